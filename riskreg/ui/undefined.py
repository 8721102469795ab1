"""Undefined names in tests: an error in riskreg's own templates, lenient in the GOV.UK macros.

The GOV.UK macros read parameters they were not given, so the app's undefined is chainable;
that alone would also let a misspelt name in riskreg's templates print as nothing. In tests,
the operations that would quietly make something of an undefined value raise instead when the
template running them is one of riskreg's; `is defined` and `default(...)` still work."""

import os
import sys

import jinja2


def undefined_for(app) -> type[jinja2.Undefined]:
    """The undefined class for `app`: strict in its own templates when testing, else chainable."""
    if not app.testing:
        return jinja2.ChainableUndefined
    return strict_in(os.path.join(app.root_path, app.template_folder))


def strict_in(folder) -> type[jinja2.Undefined]:
    """A chainable undefined that raises when used by template code from a file under `folder`."""
    prefix = os.path.join(os.path.normpath(folder), "")

    def strict() -> bool:
        # The innermost template on the stack is the one using the value: a GOV.UK macro's own
        # code runs in its template's module, whatever template called the macro.
        frame = sys._getframe(2)
        while frame is not None:
            if "__jinja_template__" in frame.f_globals:
                return frame.f_code.co_filename.startswith(prefix)
            frame = frame.f_back
        return False

    class StrictInFolder(jinja2.ChainableUndefined):
        __slots__ = ()

        def __str__(self):
            return self._fail_with_undefined_error() if strict() else ""

        def __iter__(self):
            return self._fail_with_undefined_error() if strict() else iter(())

        def __len__(self):
            return self._fail_with_undefined_error() if strict() else 0

        def __bool__(self):
            return self._fail_with_undefined_error() if strict() else False

        def __eq__(self, other):
            return self._fail_with_undefined_error() if strict() else super().__eq__(other)

        def __ne__(self, other):
            return self._fail_with_undefined_error() if strict() else super().__ne__(other)

        __hash__ = jinja2.ChainableUndefined.__hash__

        def __getattr__(self, name):
            if name[:2] == "__" and name[-2:] == "__":
                raise AttributeError(name)
            return self._fail_with_undefined_error() if strict() else self

        def __getitem__(self, name):
            return self._fail_with_undefined_error() if strict() else self

    return StrictInFolder
