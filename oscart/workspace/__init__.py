"""The company workspace: a company admin organises the company's people (groups, job roles, employee pages)."""
