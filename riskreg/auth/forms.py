"""The sign-in form and the Your account forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp

from .accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


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
