"""What participation tells the rest of the site, without knowing who listens."""

from django.dispatch import Signal

# Sent after an answer is given or changed, once the transaction has committed; arguments:
# `consultation` (the ConsultationPage of the answered item). The site republishes the
# consultation's result dataset when the result is already public (cms.apps).
answer_saved = Signal()
