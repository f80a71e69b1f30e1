"""Working-day SLA calendar: due dates counted in Indonesian working days, in the complaint area's time zone.

Handling code calls ``complaints.sla.service.deadline`` / ``sla_deadlines``; the arithmetic itself is the pure
``complaints.sla.calendar.add_working_days``.
"""
