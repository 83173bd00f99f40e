"""The programmes app is split by what it holds (issue 10): the ILR, learning and progress areas
each keep their own URLs, views and templates, and nothing reaches into another area's views."""

import ast
import importlib.util
from pathlib import Path

from django.conf import settings

APP = Path(settings.BASE_DIR) / "programmes"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "programmes"
AREA_PREFIXES = {
    "ilr": ("ilr_", "_ilr_"),
    "learning": ("plan_", "otj_", "wizard_", "_otj_", "_wizard_", "_bar", "_simple_form"),
    "progress": ("milestone_", "course_", "functional_skill_", "_milestone_", "_course_"),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
            found += ["." * node.level + (node.module or "") + "." + a.name for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


def test_the_ilr_exchange_module_is_split_into_xml_import_and_the_export_job():
    for gone in ("exchange", "exchange_views", "exchange_urls"):
        assert importlib.util.find_spec(f"programmes.ilr.{gone}") is None, gone
    for module in ("xml_file", "importing", "export_job"):
        assert importlib.util.find_spec(f"programmes.ilr.{module}") is not None, module


def test_the_ilr_views_are_a_package():
    assert (APP / "ilr" / "views" / "__init__.py").exists()
    assert not (APP / "ilr" / "views.py").exists()


def test_programmes_models_re_exports_by_name_not_by_star():
    tree = ast.parse((APP / "models.py").read_text())
    stars = [
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
    ]
    assert stars == []


def test_only_url_modules_import_views():
    offenders = []
    for path in APP.rglob("*.py"):
        if path.name == "urls.py" or "views" in path.parts or "migrations" in path.parts:
            continue
        if any(name.split(".")[-1] == "views" for name in _imports(path)):
            offenders.append(str(path.relative_to(APP)))
    assert offenders == []


def test_each_areas_templates_live_in_its_own_folder():
    top_level = [p.name for p in TEMPLATES.glob("*.html")]
    misplaced = [
        name
        for name in top_level
        for prefixes in AREA_PREFIXES.values()
        if name.startswith(prefixes)
    ]
    assert misplaced == []
    for area in AREA_PREFIXES:
        assert any((TEMPLATES / area).glob("*.html")), area
    assert not (TEMPLATES / "sections").exists()
