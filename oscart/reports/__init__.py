"""Reports for a company admin: completion, overdue, expiring certificates and attendance, as charts and tables."""
