"""Office handling: stages (lead and co-handling offices, assignee, per-stage due dates), the office's work queue
(``queue``), accept / assign / start / transfer (*disposisi*) / co-handle / resolve, and SLA escalation."""
