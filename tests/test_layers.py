"""The layering of DESIGN section 3, as the import-linter contracts in pyproject.toml state it:
aptem, then audit, then users, then the section apps, then portal; no app imports another's
views. ``make test`` runs ``lint-imports`` too; these tests keep the contracts themselves honest.
"""

from pathlib import Path

import pytest
from django.apps import apps
from importlinter import api, cli
from importlinter.adapters.building import GraphBuilder
from importlinter.application.app_config import settings as linter_settings

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = str(ROOT / "pyproject.toml")


def _lint() -> int:
    return cli.lint_imports(config_filename=PYPROJECT, no_cache=True, no_logo=True)


class _GraphWithExtraImport(GraphBuilder):
    """The real import graph plus one import the code does not have."""

    def __init__(self, importer: str, imported: str):
        self.importer, self.imported = importer, imported

    def build(self, *args, **kwargs):
        graph = super().build(*args, **kwargs)
        graph.add_import(importer=self.importer, imported=self.imported)
        return graph


def test_the_code_keeps_the_layering_contracts():
    assert _lint() == cli.EXIT_STATUS_SUCCESS


def test_every_app_of_the_project_is_in_a_layer():
    contracts = api.read_configuration(PYPROJECT)
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    (layers,) = [c["layers"] for c in contracts["contracts_options"] if c["type"] == "layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    assert set(contracts["session_options"]["root_packages"]) == ours
    assert layered == ours


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # A circle: programmes builds on users, so users may not reach back up.
        ("users.forms", "programmes.ilr.services"),
        # audit is below users: users writes its access events through audit.
        ("audit.trail", "users.models"),
        # The shared pieces know no app.
        ("aptem.sections", "users.models"),
        # Nothing imports the top floor.
        ("programmes.sections", "portal.sections"),
        # Section apps are independent of each other.
        ("crm.sections", "programmes.services"),
        # No app imports another app's views, even from a layer above.
        ("portal.views", "programmes.learning.views"),
    ],
)
def test_an_import_against_the_layering_fails_the_build(importer, imported):
    real_builder = linter_settings.GRAPH_BUILDER
    linter_settings.configure(GRAPH_BUILDER=_GraphWithExtraImport(importer, imported))
    try:
        assert _lint() == cli.EXIT_STATUS_ERROR
    finally:
        linter_settings.configure(GRAPH_BUILDER=real_builder)
