"""Office handling: assignments (lead and co-handling offices, assignee, per-stage due dates), the office inbox,
accept / assign / start / transfer (*disposisi*) / co-handle / resolve, and SLA escalation."""
