"""Stored state: threads, processed events, drafts and their versions, feedback and approvals."""
