"""What a console page says after a form: ``?msg=`` and ``?err=`` carry a code, never text to show.

A page shows only messages the console chose. A code names one of ``NOTES``, said in the reader's
language; a code the table does not know shows a generic message, so ``?err=<any text>`` in a link
someone sends can never be shown as if the console said it.

Where the message depends on what happened (a refusal's reason, a batch's total), the redirect carries
that text as well, signed for the reader's session: ``code~text~signature``. The page shows the text only
when the signature is the console's own for that session, and the code's fixed message otherwise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from app.console.i18n import Texts
from app.core.messages import N_
from app.core.settings import get_settings

NOTES: dict[str, str] = {
    # sign-in
    "expired": N_("The sign-in form expired; try again."),
    "invalid": N_("The token is invalid or revoked."),
    # refusals, each followed by its signed reason when there is one
    "refused": N_("That was not done."),
    "no_claim": N_("No claim was selected."),
    "no_file": N_("Choose a CSV file."),
    "no_bank_file": N_("Choose the bank's result file."),
    "no_import_file": N_("Choose one .xlsx file, or one .csv file for each sheet."),
    "no_evidence_file": N_("Choose a photo or document to attach."),
    "file_changed": N_("The checked file did not come back intact; check it again."),
    # what was done
    "done": N_("Done."),
    "claim_rejected": N_("Claim rejected."),
    "claim_filed": N_("Claim filed."),
    "claim_verified": N_("Claim verified."),
    "objection_recorded": N_("Objection recorded."),
    "objection_resolved": N_("Objection resolved."),
}
GENERIC = {"msg": "done", "err": "refused"}

# the key signs notes only; it is derived from the console's CSRF secret, which every worker of a
# deployment shares (a process serving alone makes its own)
_KEY = hashlib.sha256(
    b"chainaid console notes\x00" + (get_settings().csrf_secret or secrets.token_hex(32)).encode()
).digest()


def _signature(session: str, code: str, text: str) -> str:
    message = "\x1f".join((session, code, text)).encode()
    return hmac.new(_KEY, message, hashlib.sha256).hexdigest()[:32]


def note(code: str, text: str | None = None, *, session: str | None = None) -> str:
    """The value of ``?msg=`` / ``?err=`` for a code of ``NOTES``, with ``text`` signed for ``session``."""
    assert code in NOTES, code
    if text is None or session is None:
        return code
    packed = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{code}~{packed}~{_signature(session, code, text)}"


def shown(texts: Texts, kind: str, value: object, *, session: str | None) -> str | None:
    """What the page shows for ``?msg=`` / ``?err=``: the signed text, the code's message, or a generic one."""
    if not isinstance(value, str) or not value:
        return None
    code, _, rest = value.partition("~")
    if rest and session is not None:
        packed, _, signature = rest.partition("~")
        try:
            text = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            text = None
        if text is not None and code in NOTES and hmac.compare_digest(signature, _signature(session, code, text)):
            return text
    return texts._(NOTES.get(code) or NOTES[GENERIC.get(kind, "refused")])
