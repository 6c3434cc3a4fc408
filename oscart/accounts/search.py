"""Finding people by what an admin types: one condition for every list and picker of people."""

from sqlalchemy import func, or_

from oscart.accounts.models import User
from oscart.core.database import LIKE_ESCAPE


def person_matches(pattern, *, employee_number=True):
    """SQL condition: the person's e-mail address, "first last" name or (within a company) employee number contains
    ``pattern``, a lower-case LIKE pattern (core.database.contains_pattern) or a bindparam() of one."""
    columns = [User.email, User.first_name + " " + User.last_name]
    if employee_number:
        columns.append(User.employee_number)
    return or_(*(func.lower(column).like(pattern, escape=LIKE_ESCAPE) for column in columns))
