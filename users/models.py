import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils import timezone
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from aptem.fields import IntegerSetField
from aptem.validators import (
    TEMPORARY_ULN,
    fold_for_search,
    normalise_ni_number,
    normalise_postcode,
    sensible_date,
    validate_date_of_birth,
    validate_ni_number,
    validate_phone,
    validate_postcode,
    validate_uln,
)
from aptem.versioning import Versioned

# Roles carrying these widen what their holder sees or whom they supervise, so only a Supervisor
# grants them (DESIGN.md §5), even to someone else who already holds a role with them.
SUPERVISOR_ONLY_PERMISSIONS = ("supervise_admins", "view_all_groups")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "EMPLOYER", "Employer"
        REFERRER = "REFERRER", "Referrer"
        SUPPLIER = "SUPPLIER", "Supplier"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validate_phone])
    address_line_1 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    # The administrator who looks after the organisation (required when a tracker adds one).
    owner = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_organisations",
        limit_choices_to={"user_type": "ADMINISTRATOR"},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class GroupQuerySet(MP_NodeQuerySet):
    def subtrees_of(self, groups) -> "GroupQuerySet":
        """The given groups and all their descendants."""
        paths = sorted({g.path for g in groups})
        if not paths:
            return self.none()
        return self.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))

    def visible_to(self, viewer) -> "GroupQuerySet":
        """The viewer's groups and everything below them, as one lazy subquery.

        A group is visible when the path of one of the viewer's groups is a prefix of its path.
        """
        if viewer.has_perm("users.view_all_groups"):
            return self.all()
        own_ancestor = User.groups.through.objects.filter(
            user_id=viewer.pk,
            group__path=Substr(OuterRef("path"), 1, Length("group__path")),
        )
        return self.filter(Exists(own_ancestor))


class GroupManager(MP_NodeManager):
    def get_queryset(self) -> GroupQuerySet:
        return GroupQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, viewer) -> GroupQuerySet:
        return self.get_queryset().visible_to(viewer)

    def subtrees_of(self, groups) -> GroupQuerySet:
        return self.get_queryset().subtrees_of(groups)

    def move(self, node, target, pos=None):
        super().move(node, target, pos)
        # The moved subtree's users have new ancestors; they all have the node in their scope.
        # (Imported here: users/scope.py builds on these models.)
        from .lists import ALL_GROUPS
        from .scope import group_scopes_refresh

        group_scopes_refresh(User.objects.filter(scope_ids__overlap=[node.pk]))
        ALL_GROUPS.forget()


class Group(MP_Node):
    """A node in one of several group hierarchies (regions → centres → cohorts, say).

    Administrators see the users in their groups and in every sub-group; materialised paths make
    "this group and everything under it" one ``path LIKE 'prefix%'`` query.
    """

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    node_order_by = ["name"]

    objects = GroupManager()

    class Meta:
        permissions = [("create_groups", "Can create and edit groups")]

    def __str__(self) -> str:
        return self.name

    @property
    def indented_name(self) -> str:
        return "\u2003" * (self.depth - 1) + self.name


# Derived from the learner's enrolments by programmes (programmes/current.py), never by a form.
CURRENT_PROGRAMME_FIELDS = frozenset(
    {"current_programme", "current_programme_name", "current_programme_status"}
)
# Derived from the user's group memberships by users/scope.py, never by a form.
GROUP_SCOPE_FIELDS = frozenset({"scope_ids"})

SAME_NI = "the same NI number"
SAME_ULN = "the same ULN"
SAME_NAME_AND_BIRTH = "the same name and date of birth"


@dataclass(frozen=True)
class PossibleDuplicate:
    """A user who looks like the person being added, and why (SAME_NI, SAME_ULN, ...)."""

    user: "User"
    why: list[str]

    @property
    def reasons(self) -> str:
        return " and ".join(self.why)


class UserQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "UserQuerySet":
        """Every user the viewer may see: the one door to user data (DESIGN.md §5)."""
        if not viewer.is_authenticated:
            return self.none()
        qs = self
        if not viewer.has_perm("users.view_all_groups"):
            # One indexed condition on the user row (GIN on PostgreSQL) instead of a join over
            # the region's memberships: each user's scope_ids holds their groups and every
            # ancestor, so the viewer's topmost visible groups are enough.
            qs = qs.filter(scope_ids__overlap=[g.pk for g in viewer.visible_group_roots()])
        if not viewer.has_perm("users.view_archived"):
            qs = qs.exclude(subscription_status=User.Status.ARCHIVED)
        if not viewer.has_perm("users.supervise_admins"):
            qs = qs.exclude(user_type=User.Type.ADMINISTRATOR)
        return qs

    def possible_duplicates(
        self,
        *,
        ni_number: str = "",
        uln: str = "",
        first_name: str = "",
        last_name: str = "",
        date_of_birth: datetime.date | None = None,
        limit: int = 10,
    ) -> list["PossibleDuplicate"]:
        """Users who look like the person described: the same NI number, the same ULN (unless
        the temporary 9999999999, which many learners share) or the same name and date of
        birth. The one duplicate rule of the create form and the ILR import; NI numbers are
        compared as stored (normalised: upper case, no spaces)."""
        tests = []
        if ni_number:
            tests.append(
                (Q(ni_number=ni_number), SAME_NI, lambda u: u.ni_number == ni_number),
            )
        if uln and uln != TEMPORARY_ULN:
            tests.append((Q(uln=uln), SAME_ULN, lambda u: u.uln == uln))
        if date_of_birth and first_name and last_name:
            tests.append(
                (
                    Q(
                        first_name__iexact=first_name,
                        last_name__iexact=last_name,
                        date_of_birth=date_of_birth,
                    ),
                    SAME_NAME_AND_BIRTH,
                    lambda u: (
                        u.date_of_birth == date_of_birth
                        and u.first_name.lower() == first_name.lower()
                        and u.last_name.lower() == last_name.lower()
                    ),
                )
            )
        if not tests:
            return []
        matches = self.filter(reduce(or_, (condition for condition, _, _ in tests)))[:limit]
        return [
            PossibleDuplicate(user, [why for _, why, same in tests if same(user)])
            for user in matches
        ]

    def administrators(self) -> "UserQuerySet":
        return self.filter(user_type=User.Type.ADMINISTRATOR).exclude(
            subscription_status=User.Status.ARCHIVED
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("user_type", User.Type.ADMINISTRATOR)
        extra_fields.setdefault("subscription_status", User.Status.FULL_USER)
        extra_fields.setdefault("first_name", "Support")
        extra_fields.setdefault("last_name", "Administrator")
        return self.create_user(email, password, **extra_fields)


class User(Versioned, AbstractBaseUser, PermissionsMixin):
    class Type(models.TextChoices):
        LEARNER = "LEARNER", "User"
        EMPLOYER = "EMPLOYER", "Employer"
        REFERRER = "REFERRER", "Referrer"
        ADMINISTRATOR = "ADMINISTRATOR", "Admin"

    class Status(models.TextChoices):
        PROSPECT = "PROSPECT", "Prospect"
        INVITED = "INVITED", "Invited"
        FULL_USER = "FULL_USER", "Full user"
        EXPIRED = "EXPIRED", "Expired"
        CANCELLED = "CANCELLED", "Cancelled"
        ARCHIVED = "ARCHIVED", "Archived"

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    DEFAULT_LIST_STATUSES = (Status.PROSPECT, Status.INVITED, Status.FULL_USER)
    CANCELLABLE_STATUSES = (Status.PROSPECT, Status.INVITED, Status.FULL_USER, Status.EXPIRED)

    user_type = models.CharField("type", max_length=13, choices=Type.choices)
    email = models.EmailField(
        "email",
        max_length=254,
        unique=True,
        null=True,
        blank=True,
        help_text="Used to sign in. Stored in lower case; unique across all users.",
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField("first name", max_length=50)
    middle_name = models.CharField("middle name", max_length=50, blank=True)
    last_name = models.CharField("surname", max_length=50)
    preferred_name = models.CharField("preferred name", max_length=50, blank=True)
    # Accent-free, lower-case copy of every name, kept in step by save(); name search matches it
    # with one trigram-indexed LIKE per word (see users/migrations/0003_search_indexes.py).
    search_name = models.CharField(max_length=210, editable=False, default="")
    date_of_birth = models.DateField(
        "date of birth", null=True, blank=True, validators=[validate_date_of_birth]
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    personal_email = models.EmailField("personal email", blank=True)
    mobile = models.CharField(max_length=30, blank=True, validators=[validate_phone])
    landline = models.CharField(max_length=30, blank=True, validators=[validate_phone])
    address_line_1 = models.CharField("address line 1", max_length=100, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=100, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    ni_number = models.CharField(
        "NI number", max_length=9, blank=True, validators=[validate_ni_number], db_index=True
    )
    uln = models.CharField("ULN", max_length=10, blank=True, validators=[validate_uln])
    reference_number = models.CharField("reference number", max_length=100, blank=True)
    job_title = models.CharField("position", max_length=100, blank=True)

    case_owner = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
        limit_choices_to={"user_type": Type.ADMINISTRATOR},
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="The employer of a learner or employer login; the organisation of a referrer.",
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_learners",
        limit_choices_to={"user_type": Type.EMPLOYER},
    )
    mentor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_learners",
        limit_choices_to={"user_type": Type.EMPLOYER},
    )
    referrer_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_learners",
        limit_choices_to={"kind": Organisation.Kind.REFERRER},
    )
    # Organisation groups, the basis of visibility. Roles (auth groups) live in ``roles``.
    groups = models.ManyToManyField(Group, related_name="members", blank=True)
    roles = models.ManyToManyField(
        "auth.Group",
        related_name="members",
        blank=True,
        verbose_name="roles",
        help_text="Roles grant permissions; every administrator has Standard administrator.",
    )

    subscription_status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    status_before_cancel = models.CharField(max_length=10, choices=Status.choices, blank=True)
    subscription_start = models.DateField(
        "subscription start", null=True, blank=True, validators=[sensible_date]
    )
    subscription_end = models.DateField(
        "subscription end", null=True, blank=True, validators=[sensible_date]
    )
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    invitation_accepted_at = models.DateTimeField(null=True, blank=True)

    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "support staff", default=False, help_text="May sign in to the Django admin."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The learner's current programme as the Users page shows it (their current enrolment with
    # the latest start), copied here so the page filters and sorts on indexed columns instead
    # of a subquery per row. Derived data, kept right by programmes (programmes/current.py) with
    # QuerySet.update(): never audited, never a new version, never written by User.save().
    current_programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        # user_current_programme below starts with it, so no index of its own.
        db_index=False,
    )
    # NULL, not "", without a programme: they sort where the old subquery's NULL sorted.
    current_programme_name = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, editable=False
    )
    current_programme_status = models.CharField(  # noqa: DJ001
        max_length=20, null=True, blank=True, editable=False
    )
    # The ids of the user's groups and of all their ancestors, so "in the viewer's groups and
    # sub-groups" is one indexed condition (scope_ids && the viewer's groups) instead of a join
    # over the memberships. Derived data, kept right by users/scope.py with QuerySet.update():
    # never audited, never a new version, never written by User.save().
    scope_ids = IntegerSetField(default=list, blank=True, editable=False)
    # The profile sections (their keys) this administrator keeps collapsed: a display
    # preference of their own, applied when a profile renders so nothing flashes open.
    collapsed_sections = models.JSONField(default=list, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="user_name_order"),
            models.Index(fields=["subscription_status", "user_type"], name="user_status_type"),
            # The Users page's programme filter and programme sort.
            models.Index(
                fields=["current_programme", "current_programme_status"],
                name="user_current_programme",
            ),
            models.Index(
                fields=["current_programme_name", "current_programme_status", "id"],
                name="user_programme_order",
            ),
        ]
        permissions = [
            ("create_users", "Can create learners, employers and referrers"),
            ("create_admins", "Can create administrators"),
            ("edit_user_details", "Can edit learner, employer and referrer details"),
            ("supervise_admins", "Can see, edit, cancel and reinstate administrators"),
            ("view_all_groups", "Can see users in every group"),
            ("view_archived", "Can see archived users"),
            ("cancel_subscription", "Can cancel and reinstate users"),
            ("archive_user", "Can archive users"),
            ("export_data", "Can export data"),
            ("bulk_upload", "Can upload users and organisations in bulk"),
            ("view_sensitive_data", "Can see NI number, ULN, date of birth and equality data"),
            ("unlock_account", "Can see and clear a sign-in locked by failed attempts"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower() if self.email else None
        self.ni_number = normalise_ni_number(self.ni_number)
        self.postcode = normalise_postcode(self.postcode)
        self.search_name = self.build_search_name(
            self.first_name, self.middle_name, self.last_name, self.preferred_name
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        elif not self._state.adding and self.pk is not None:
            # The current programme columns belong to programmes, and scope_ids to the group
            # memberships (users/scope.py): either may have changed since this instance was
            # loaded, so saving the person must not write them back. As
            # Django does for an instance loaded with deferred fields, those stay unsaved too.
            skipped = {
                *CURRENT_PROGRAMME_FIELDS,
                *GROUP_SCOPE_FIELDS,
                *self.get_deferred_fields(),
            }
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in skipped and f.name not in skipped
            ]
        super().save(*args, **kwargs)

    @staticmethod
    def build_search_name(*names: str) -> str:
        return " ".join(fold_for_search(n) for n in names if n)

    def get_absolute_url(self) -> str:
        return reverse("portal:user_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_learner(self) -> bool:
        return self.user_type == self.Type.LEARNER

    @property
    def is_administrator(self) -> bool:
        return self.user_type == self.Type.ADMINISTRATOR

    @property
    def audit_learner_id(self) -> int | None:
        """The learner whose audit trail an entry about this record belongs to."""
        return self.pk if self.is_learner else None

    def get_additional_data(self) -> dict:
        # A reason set by a workflow (cancelling, say) explains the change in the audit trail.
        data = super().get_additional_data()
        if getattr(self, "audit_reason", ""):
            data["reason"] = self.audit_reason
        return data

    def set_section_collapsed(self, key: str, collapsed: bool) -> None:
        """Remember whether this viewer keeps the profile section ``key`` collapsed.

        Saves that field alone: a preference is no edit of the person's record, so it neither
        bumps ``version`` (which would refuse someone's open edit form) nor is audited
        (users.audit_registry leaves the field out).
        """
        keys = [k for k in self.collapsed_sections if k != key]
        if collapsed:
            keys.append(key)
        if keys != self.collapsed_sections:
            self.collapsed_sections = sorted(keys)
            self.save(update_fields=["collapsed_sections"])

    def visible_groups(self) -> list[Group]:
        """The groups this administrator can see, fetched once per request.

        Cached on the instance, as Django caches permissions: ``request.user`` is loaded anew
        for every request, so a change of groups takes effect on the next one.
        """
        if not hasattr(self, "_visible_groups_cache"):
            if self.has_perm("users.view_all_groups"):
                # Every group: the same list for all who see them all, kept in the cache.
                from .lists import ALL_GROUPS

                self._visible_groups_cache = list(ALL_GROUPS.get())
            else:
                self._visible_groups_cache = list(Group.objects.visible_to(self))
        return self._visible_groups_cache

    def visible_group_roots(self) -> list[Group]:
        """The visible groups that are not under another visible group: every visible group
        is one of these or a descendant of one (from the cached visible_groups, no query)."""
        roots: list[Group] = []
        for group in self.visible_groups():  # in path order: an ancestor comes first
            if not roots or not group.path.startswith(roots[-1].path):
                roots.append(group)
        return roots

    def grantable_roles(self) -> models.QuerySet:
        """The roles this user may give others (DESIGN.md §5): only roles they hold themselves,
        and those with a Supervisor-only permission only if they are a Supervisor. Granting never
        widens the granter's own power."""
        roles = Role.objects.order_by("name")
        if self.is_superuser:
            return roles
        roles = roles.filter(members=self)
        if not self.has_perm("users.supervise_admins"):
            supervisor_only = Role.objects.filter(
                permissions__content_type__app_label="users",
                permissions__codename__in=SUPERVISOR_ONLY_PERMISSIONS,
            )
            roles = roles.exclude(pk__in=supervisor_only)
        return roles

    def role_refusal(self, role: Role) -> str:
        """Why this user may not grant ``role``, in words for a form; "" when they may."""
        if self.grantable_roles().filter(pk=role.pk).exists():
            return ""
        if self.roles.filter(pk=role.pk).exists():
            return f"Only a Supervisor may grant the role {role.name}."
        return f"You may grant only roles you hold yourself, and you do not hold {role.name}."

    def expires_within(self, days: int, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.subscription_end
            and today <= self.subscription_end <= today + datetime.timedelta(days=days)
        )

    @property
    def can_be_cancelled(self) -> bool:
        return self.subscription_status in self.CANCELLABLE_STATUSES

    @property
    def can_be_reinstated(self) -> bool:
        return self.subscription_status == self.Status.CANCELLED


# Django registers an app's models from users.models; the outbox and the notifications live in
# their own modules.
from users.email_models import OutboundEmail  # noqa: E402, F401
from users.notification_models import Notification  # noqa: E402, F401
