"""``{% trans %}`` blocks compiled to direct filter calls, translated with the catalogue of the render.

Jinja's i18n extension compiles each block to a call of the ``gettext`` global. Every call in a template goes
through ``Context.call``, and the newstyle global calls the translation function through it a second time:
a page of some forty blocks spent more on that machinery than on the rest of its markup. Here the same block
becomes a filter, which Jinja calls directly, and the catalogue comes from the template context
(``TRANSLATIONS_KEY``, filled once per ``render_template``) instead of being looked up for every string.

The semantics are Jinja's newstyle gettext: the result is marked safe when autoescaping is on, and
``%(name)s`` placeholders are filled with escaped values (``%%`` gives ``%``). ``_()`` and ``gettext()`` written
as calls in a template keep Jinja's own callables. Message extraction (``pybabel extract``) reads the blocks
as before.
"""

from jinja2 import nodes, pass_context
from jinja2.ext import InternationalizationExtension
from markupsafe import Markup, escape

from oscart.core.i18n import current_translations

TRANSLATIONS_KEY = "_oscart_translations"
_FILTERS = {"gettext": "_oscart_gettext", "ngettext": "_oscart_ngettext", "pgettext": "_oscart_pgettext",
            "npgettext": "_oscart_npgettext"}


class DirectTranslationExtension(InternationalizationExtension):
    """Jinja's i18n extension, with each ``{% trans %}`` block compiled to a filter instead of a call."""

    def _make_node(self, *args, **kwargs):
        output = super()._make_node(*args, **kwargs)
        call = output.nodes[0]
        if (self.environment.newstyle_gettext and isinstance(call, nodes.Call)
                and isinstance(call.node, nodes.Name) and call.node.name in _FILTERS):
            # gettext("text", name=value) → "text"|_oscart_gettext(name=value); the first argument is piped
            output.nodes[0] = nodes.Filter(call.args[0], _FILTERS[call.node.name], call.args[1:], call.kwargs,
                                           None, None, lineno=call.lineno)
        return output


def _translations(context):
    # A macro imported without context renders with a context of its own, which lacks the key.
    return context.get(TRANSLATIONS_KEY) or current_translations()[1]


def _finish(context, text, variables):
    if not context.eval_ctx.autoescape:
        return text % variables if variables or "%" in text else text
    if not variables:
        return Markup(text % variables if "%" in text else text)  # noqa: S704 - a catalogue message
    try:
        # What Markup's % does, without its helper object per value: %s of each value escaped; ints as they are.
        escaped = {name: value if type(value) is int else escape(value) for name, value in variables.items()}
        return Markup(text % escaped)  # noqa: S704 - a catalogue message and escaped values
    except (TypeError, ValueError):  # another conversion than %s or %d: Markup's own way
        return Markup(text) % variables  # noqa: S704 - a catalogue message; % escapes the values


# pass_context also keeps Jinja from translating a block once, at compile time, as a constant.
@pass_context
def _gettext(context, message, **variables):
    return _finish(context, _translations(context).ugettext(message), variables)


@pass_context
def _ngettext(context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _finish(context, _translations(context).ungettext(singular, plural, number), variables)


@pass_context
def _pgettext(context, message_context, message, **variables):
    return _finish(context, _translations(context).upgettext(message_context, message), variables)


@pass_context
def _npgettext(context, message_context, singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _finish(context, _translations(context).unpgettext(message_context, singular, plural, number),
                   variables)


def replace_extension(env):
    """Put the extension in place of the i18n extension Flask-Babel added, before templates are compiled.

    Install the gettext callables afterwards: adding an i18n extension resets them.
    """
    env.extensions.pop("jinja2.ext.InternationalizationExtension", None)
    env.add_extension(DirectTranslationExtension)
    env.filters.update({_FILTERS["gettext"]: _gettext, _FILTERS["ngettext"]: _ngettext,
                        _FILTERS["pgettext"]: _pgettext, _FILTERS["npgettext"]: _npgettext})
