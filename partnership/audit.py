from .models import AuditEntry


def record(*, actor, verb: str, target=None, partnership=None, data: dict | None = None) -> AuditEntry:
    """Write one audit row. Call it inside the service's transaction, so the trail and
    the change commit or roll back together."""
    if partnership is None and target is not None:
        partnership = getattr(target, "partnership", None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        partnership=partnership if getattr(partnership, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
    )
