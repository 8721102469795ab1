"""UK GDPR data minimisation: the register must never identify a child. The rule is
`domain.child_identifiers`, which every text field of every form applies on save; this package
finds stored text that fails it (`flask --app riskreg privacy scan`)."""

from . import cli


def init_app(app):
    cli.init_app(app)
