"""The activity app's models recorded by auditlog, imported once from ``ActivityConfig.ready()``.

Tasks are learner records: every change belongs in the learner's audit trail. Activity events
are high-volume telemetry and are deliberately not audited.
"""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Task

auditlog.register(Task)
# Tasks are listed from the Activity section, under the words its link uses.
describe(Task, section="Tasks")
