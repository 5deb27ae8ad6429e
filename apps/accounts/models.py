"""The portal user: signs in with an email address, has no username."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    # No user name: the email address is the sign-in name (AbstractUser's field is removed).
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("The user is sent to the set-new-password page before anything else."),
    )
    password_expires_at = models.DateTimeField(
        _("temporary password expires at"), null=True, blank=True
    )
    last_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("last organization used"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # One of settings.LANGUAGES: the pages after sign-in and every mail to this user are in
    # it. Empty until the first sign-in, which saves the language the user signed in with.
    language = models.CharField(
        _("language"), max_length=10, blank=True,
        help_text=_("The portal and its e-mails speak to the user in this language."),
    )
    # An IANA zone name: dates and times on pages are shown in it. Empty: the zone of the
    # organization's country (apps.i18n.time_zone_for_country), else UTC.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True,
        help_text=_("Dates and times in the portal are shown in this time zone."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs expect auth's UserManager, whose methods take a username; ours takes none.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
