"""Turns milestones and reminders into calendar events and syncs them (Google Calendar, ICS) with a local SQLite ledger."""
