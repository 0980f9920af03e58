"""Signatures bound to the exact document they were made on.

What a party signs is the rendered page as shown to them: the form filled with the case data,
without the signature and fingerprint slots (other people's signatures on the same page must
not invalidate theirs). :func:`document_digest` is the SHA-256 of that page's PDF bytes, which
forms.qt.pdf makes reproducible. A :class:`SignatureRecord` keeps that digest; when the data
changes afterwards (a corrected address, another date), the digest of the page no longer
matches, :func:`check_signatures` refuses to print it, and the party must sign again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from counter_app.errors import CounterAppError
from drivers.signature.model import Signature
from forms.kinds import KIND_SIGNATURE_CAPTURED
from forms.model import FormData, FormDefinition
from forms.qt.pdf import render_pdf

SLOT_KINDS = ("signature", "fingerprint")


class SignatureInvalidated(CounterAppError):
    """The document changed after it was signed; the signature no longer applies."""

    code = "signature.invalidated"


@dataclass(frozen=True)
class SignatureRecord:
    """Who signed which slot of which form version, on which exact document."""

    form_id: str
    form_version: int
    slot: str                 # the item key, e.g. "party.signature", "signature.registrar"
    signer: str               # role or operator id ("man", "woman", "reg01")
    document_sha256: str      # SHA-256 of the unsigned page's PDF (document_digest)
    signature_json: str       # drivers.signature.model.Signature JSON
    signature_sha256: str

    def as_payload(self) -> dict:
        """The journal payload of a "signature.captured" entry."""
        return {"form_id": self.form_id, "form_version": self.form_version, "slot": self.slot,
                "signer": self.signer, "document_sha256": self.document_sha256,
                "signature_sha256": self.signature_sha256, "signature": self.signature_json}


def unsigned(form: FormDefinition, data: FormData) -> FormData:
    """The page's data without anything in signature or fingerprint slots."""
    slots = {i.key for i in form.items if i.kind in SLOT_KINDS}
    return replace(data, images={k: v for k, v in data.images.items() if k not in slots},
                   strokes={k: v for k, v in data.strokes.items() if k not in slots})


def unsigned_pdf(form: FormDefinition, data: FormData) -> bytes:
    """The page exactly as the signer sees it before signing, as reproducible PDF bytes."""
    return render_pdf([(form, unsigned(form, data))], f"{form.form_id} v{form.version}")


def document_digest(form: FormDefinition, data: FormData) -> str:
    """SHA-256 of :func:`unsigned_pdf`."""
    return hashlib.sha256(unsigned_pdf(form, data)).hexdigest()


def sign(form: FormDefinition, data: FormData, slot: str, signer: str,
         signature: Signature) -> SignatureRecord:
    """Bind ``signature`` for ``slot`` to the page as it is now."""
    if slot not in {i.key for i in form.items if i.kind == "signature"}:
        raise CounterAppError(f"表格 {form.title} 没有签名位置 {slot}。", code="signature.slot")
    signature.for_form()  # raises on an empty signature
    return SignatureRecord(form.form_id, form.version, slot, signer,
                           document_digest(form, data), signature.to_json(), signature.sha256)


def is_valid(record: SignatureRecord, form: FormDefinition, data: FormData) -> bool:
    """True while the page still is the document that was signed."""
    return (record.form_id == form.form_id and record.form_version == form.version
            and record.document_sha256 == document_digest(form, data))


def check_signatures(form: FormDefinition, data: FormData,
                     records: list[SignatureRecord]) -> FormData:
    """The page's data with every signature placed in its slot, after checking each one is
    still bound to this exact page; raises SignatureInvalidated otherwise."""
    digest = document_digest(form, data)
    strokes = dict(data.strokes)
    for record in records:
        if (record.form_id, record.form_version, record.document_sha256) != (
                form.form_id, form.version, digest):
            raise SignatureInvalidated(
                f"{form.title}在签名后内容有改动，{record.signer}的签名已失效，请核对后重新签名。",
                detail=f"slot {record.slot}: signed {record.document_sha256[:12]}, "
                       f"now {digest[:12]}")
        strokes[record.slot] = Signature.from_json(record.signature_json).for_form()
    return replace(data, strokes=strokes)


def journal_signature(journal, record: SignatureRecord, document_pdf: bytes, *, case_id: str,
                      operator: str):
    """Append a "signature.captured" entry: the record, with the signed page's PDF and the
    stroke data as attachments (the PDF's SHA-256 is the record's document_sha256)."""
    if hashlib.sha256(document_pdf).hexdigest() != record.document_sha256:
        raise SignatureInvalidated("要保存的文件与签名时的文件不一致，签名无效，请重新签名。",
                                   detail="document bytes do not match the record's digest")
    refs = [journal.put_attachment(document_pdf, "application/pdf"),
            journal.put_attachment(record.signature_json.encode(), "application/json")]
    return journal.append(KIND_SIGNATURE_CAPTURED, record.as_payload(), operator=operator,
                          case_id=case_id, attachments=refs)
