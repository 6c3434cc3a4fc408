"""Required training: rules that assign courses to a company's groups and job roles, and the reminders that
follow up on every due date."""
