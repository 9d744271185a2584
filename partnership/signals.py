"""Signals the core sends so apps can react without the core importing them."""

from django.dispatch import Signal

# Sent by `services.accept_invitation` inside its transaction, once the role is granted.
# Arguments: invitation (partnership.Invitation), user (the account that accepted it).
# The schools app links (or creates) the person record for the new user.
invitation_accepted = Signal()
