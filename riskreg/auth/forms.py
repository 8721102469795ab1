"""The sign-in forms (a password, then a code) and the Your account forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, StopValidation

from . import totp
from .accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

APP_CODE = "Enter the 6-digit code your authenticator app shows, like 123456"
EITHER_CODE = (
    "Enter the 6-digit code your authenticator app shows, like 123456, or a recovery code, "
    "like abcde-fgh23"
)


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your current password"),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )
    new_password = PasswordField(
        "New password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter a new password"),
            Length(
                MIN_PASSWORD_LENGTH,
                MAX_PASSWORD_LENGTH,
                f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            ),
            Regexp(r"^[^\x00-\x1f\x7f]*$", message="The password must not contain control keys"),
        ],
    )
    confirm_password = PasswordField(
        "New password again",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "The two new passwords are not the same"),
        ],
    )
    change = SubmitField("Change password", widget=GovSubmitInput())


class SignOutEverywhereForm(FlaskForm):
    sign_out = SubmitField("Sign out everywhere", widget=GovSubmitInput())


def six_digits(form, field):
    if not totp.looks_like_app_code(field.data):
        raise StopValidation(APP_CODE)


def app_code_field(label="Code from your authenticator app"):
    return StringField(
        label,
        description="The 6 digits it shows now for this account.",
        widget=GovTextInput(),
        validators=[InputRequired(APP_CODE), Length(max=20, message=APP_CODE), six_digits],
    )


class SignInCodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        description="The 6 digits your app shows now. If you do not have your phone, enter one "
        "of the recovery codes you were given when you set up two-step verification.",
        widget=GovTextInput(),
        validators=[
            InputRequired(EITHER_CODE),
            Length(max=40, message=EITHER_CODE),
            Regexp(r"^[A-Za-z0-9 -]+$", message=EITHER_CODE),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpTwoStepForm(FlaskForm):
    code = app_code_field()
    submit = SubmitField("Turn on two-step verification", widget=GovSubmitInput())


class NewRecoveryCodesForm(FlaskForm):
    code = app_code_field()
    renew = SubmitField("Get new recovery codes", widget=GovSubmitInput())
