"""Services take a keyword ``actor`` and the audit entries they write name it, in a request or
not (a background task, a command, the shell)."""

import ast
from pathlib import Path

from audit.models import AuditEntry
from crm import services as crm_services
from programmes.progress import services as progress_services
from tests.crm.factories import NoteFactory
from tests.factories import MilestoneFactory
from users import services as user_services

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "aptem",
    "audit",
    "users",
    "programmes",
    "crm",
    "activity",
    "documents",
    "signing",
    "compliance",
    "reviews",
]


def _decorated_with(node: ast.FunctionDef, name: str) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == name)
        or (isinstance(d, ast.Attribute) and d.attr == name)
        for d in node.decorator_list
    )


def _functions_ignoring_their_actor() -> list[str]:
    ignored = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef):
                    continue
                arguments = [a.arg for a in node.args.args + node.args.kwonlyargs]
                if "actor" not in arguments or _decorated_with(node, "signed_by_actor"):
                    continue
                body = ast.Module(body=node.body, type_ignores=[])
                if not any(isinstance(n, ast.Name) and n.id == "actor" for n in ast.walk(body)):
                    ignored.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return ignored


def test_no_function_takes_an_actor_and_ignores_it():
    assert _functions_ignoring_their_actor() == []


def test_a_milestone_edit_outside_a_request_names_the_actor(tutor):
    milestone = MilestoneFactory()

    progress_services.milestone_update(
        milestone=milestone, data={"description": "Gateway"}, actor=tutor, based_on_version=1
    )

    entry = AuditEntry.objects.get_for_object(milestone).get(action=AuditEntry.Action.UPDATE)
    assert entry.actor == tutor
    assert entry.actor_email == tutor.email
    assert entry.learner_id == milestone.learner_id


def test_a_note_edit_outside_a_request_names_the_actor(supervisor):
    note = NoteFactory()

    crm_services.note_update(note=note, text="Called back", actor=supervisor, based_on_version=1)

    entry = AuditEntry.objects.get_for_object(note).get(action=AuditEntry.Action.UPDATE)
    assert entry.actor == supervisor


def test_cancelling_a_user_outside_a_request_names_the_actor(supervisor, learner):
    user_services.user_cancel(
        user=learner, actor=supervisor, reason="Left the employer", based_on_version=learner.version
    )

    entry = AuditEntry.objects.get_for_object(learner).first()
    assert entry.actor == supervisor
    assert entry.additional_data["reason"] == "Left the employer"
