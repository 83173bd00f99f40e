"""The first template version of each compliance document type (the data migration's seed).

Each body is a Django template extending ``pdf/compliance_base.html``, which lays out the
learner, employer, programme, off-the-job hours and price; the body adds the type's own terms.
Constants only: the data migration imports this module.
"""

SIGNATURE_BLOCK = """
<h2>Signatures</h2>
<p class="note">Each party signs this document electronically in the portal, or on paper.</p>
"""


def _body(terms: str) -> str:
    return (
        '{% extends "pdf/compliance_base.html" %}{% block body %}'
        f"<h2>Terms</h2>{terms}{SIGNATURE_BLOCK}"
        "{% endblock %}"
    )


# (code, name, description, terms)
TYPES = [
    (
        "commitment-statement",
        "Commitment Statement",
        "The training plan agreed by the apprentice, the employer and the provider.",
        "<p>The apprentice, the employer and the provider commit to the training plan above, "
        "including at least the minimum off-the-job training hours shown.</p>",
    ),
    (
        "apprenticeship-agreement",
        "Apprenticeship Agreement",
        "The agreement between the apprentice and the employer.",
        "<p>The employer employs the apprentice for the practical period shown and gives "
        "them paid time for their off-the-job training.</p>",
    ),
    (
        "written-agreement",
        "Written Agreement",
        "The agreement between the employer and the main provider.",
        "<p>The employer and the provider agree the training, its price and the payment "
        "terms shown above.</p>",
    ),
    (
        "ilr-document",
        "ILR document",
        "The learner's ILR declaration and data.",
        "<p>The apprentice confirms that the information held about them in the Individualised "
        "Learner Record is correct.</p>",
    ),
    (
        "otj-evidence",
        "Off-the-job training evidence",
        "The off-the-job training ledger summary.",
        "<p>The apprentice and the employer confirm the off-the-job training recorded.</p>",
    ),
]

BODIES = {code: _body(terms) for code, _, _, terms in TYPES}
