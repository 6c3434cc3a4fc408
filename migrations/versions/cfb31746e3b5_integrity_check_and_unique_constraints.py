"""integrity: CHECK and unique constraints; rows left pointing at nothing on SQLite repaired or reported

Revision ID: cfb31746e3b5
Revises: ecb140985220
Create Date: 2026-12-03 09:30:00.000000

Before it changes the schema, the upgrade
- on SQLite, where foreign keys were not enforced until now, applies to every row that refers to a missing row
  the rule its foreign key declares (ON DELETE CASCADE: the row goes, as it would have gone with its parent;
  ON DELETE SET NULL: the reference is emptied);
- gives waiting-list places that lack a position, or share one, positions in their existing order, and takes the
  position from places that are not on a waiting list;
- moves a consent record that has the same person, purpose and time as an earlier one a microsecond later;
- logs each of these repairs, then looks for rows that still break a new constraint (or a reference that no
  rule can repair) and, when it finds any, stops with a report of them and changes nothing.

"""
import logging
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cfb31746e3b5'
down_revision = 'ecb140985220'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

LANGUAGE = "IN ('nl', 'fr', 'de', 'en')"

CHECKS = {
    'company': {
        'ck_company_default_language': f"default_language {LANGUAGE}",
        'ck_company_two_step_policy': "two_step_policy IN ('none', 'admins', 'all')",
    },
    'user': {
        'ck_user_role': "role IN ('trainee', 'trainer', 'company_admin', 'platform_admin')",
        'ck_user_language': f"language {LANGUAGE}",
        'ck_user_failed_login_count': 'failed_login_count >= 0',
    },
    'course': {
        'ck_course_format': "format IN ('elearning', 'classroom', 'blended')",
        'ck_course_status': "status IN ('draft', 'published', 'archived')",
        'ck_course_default_language': f"default_language {LANGUAGE}",
        'ck_course_completion_rule': "completion_rule IN ('lessons', 'lessons_quiz')",
        'ck_course_duration_hours': 'duration_hours > 0',
        'ck_course_validity_months': 'validity_months >= 1',
        'ck_course_attendance_threshold_percent': 'attendance_threshold_percent BETWEEN 0 AND 100',
    },
    'course_translation': {
        'ck_course_translation_language': f"language {LANGUAGE}",
    },
    'lesson': {
        'ck_lesson_kind': "kind IN ('text')",
        'ck_lesson_position': 'position >= 1',
    },
    'lesson_translation': {
        'ck_lesson_translation_language': f"language {LANGUAGE}",
    },
    'enrolment': {
        'ck_enrolment_status': "status IN ('in_progress', 'completed')",
        'ck_enrolment_progress_percent': 'progress_percent BETWEEN 0 AND 100',
    },
    'lesson_image': {
        'ck_lesson_image_size': 'width > 0 AND height > 0',
    },
    'quiz': {
        'ck_quiz_pass_percent': 'pass_percent BETWEEN 0 AND 100',
        'ck_quiz_max_attempts': 'max_attempts >= 1',
    },
    'question': {
        'ck_question_language': f"language {LANGUAGE}",
        'ck_question_position': 'position >= 1',
    },
    'choice': {
        'ck_choice_position': 'position >= 1',
    },
    'quiz_attempt': {
        'ck_quiz_attempt_language': f"language {LANGUAGE}",
        'ck_quiz_attempt_score_percent': 'score_percent BETWEEN 0 AND 100',
    },
    'training_session': {
        'ck_training_session_language': f"language {LANGUAGE}",
        'ck_training_session_capacity': 'capacity >= 1',
        'ck_training_session_total_minutes': 'total_minutes >= 0',
        'ck_training_session_period': 'ends_at >= starts_at',
    },
    'session_part': {
        'ck_session_part_period': 'ends_at > starts_at',
    },
    'registration': {
        'ck_registration_status': "status IN ('registered', 'waitlisted', 'cancelled')",
        'ck_registration_waitlist_position': "(status = 'waitlisted' AND position IS NOT NULL AND position >= 1) OR "
                                             "(status <> 'waitlisted' AND position IS NULL)",
    },
    'attendance': {
        'ck_attendance_status': "status IN ('present', 'late', 'left_early', 'excused', 'absent')",
        'ck_attendance_minutes': 'minutes >= 0',
        'ck_attendance_absence_minutes': "minutes = 0 OR status NOT IN ('absent', 'excused')",
        'ck_attendance_version': 'version >= 1',
    },
    'certificate': {
        'ck_certificate_origin': "origin IN ('automatic', 'manual', 'reissue')",
        'ck_certificate_language': f"language {LANGUAGE}",
        'ck_certificate_hours': 'hours >= 0',
    },
    'outbox_message': {
        'ck_outbox_message_kind': "kind IN ('transactional', 'marketing')",
        'ck_outbox_message_status': "status IN ('pending', 'sent', 'failed')",
        'ck_outbox_message_language': f"language {LANGUAGE}",
        'ck_outbox_message_attempts': 'attempts >= 0',
    },
    'consent': {
        'ck_consent_purpose': "purpose IN ('newsletter_invitations', 'offers_after_visit', 'remember_me', 'two_step')",
    },
    'policy_version': {
        'ck_policy_version_number': 'number >= 1',
    },
    'privacy_request': {
        'ck_privacy_request_kind': "kind IN ('rectify', 'erase', 'restrict', 'object', 'object_marketing')",
        'ck_privacy_request_status': "status IN ('open', 'granted', 'refused')",
    },
    'campaign': {
        'ck_campaign_kind': "kind IN ('newsletter', 'invitation')",
    },
    'incident_notice': {
        'ck_incident_notice_language': f"language {LANGUAGE}",
    },
}

UNIQUES = {
    'registration': {'uq_registration_waitlist_position': ('session_id', 'position')},
    'consent': {'uq_consent_user_id': ('user_id', 'purpose', 'at')},
}

CURRENT_CERTIFICATE = 'revoked_at IS NULL AND superseded_at IS NULL'
CURRENT_CERTIFICATE_INDEX = ('uq_certificate_current_per_cycle', 'certificate',
                             ('user_id', 'course_id', 'completed_on'))


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        _repair_references(connection)
    _repair_waiting_lists(connection)
    _repair_consent_times(connection)
    _stop_on_violations(connection)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(op.f(name), condition)
            for name, columns in UNIQUES.get(table, {}).items():
                batch_op.create_unique_constraint(op.f(name), list(columns))
    name, table, columns = CURRENT_CERTIFICATE_INDEX
    op.create_index(op.f(name), table, list(columns), unique=True, sqlite_where=sa.text(CURRENT_CERTIFICATE),
                    postgresql_where=sa.text(CURRENT_CERTIFICATE))


def downgrade():
    name, table, _columns = CURRENT_CERTIFICATE_INDEX
    op.drop_index(op.f(name), table_name=table)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in UNIQUES.get(table, {}):
                batch_op.drop_constraint(op.f(name), type_='unique')
            for name in checks:
                batch_op.drop_constraint(op.f(name), type_='check')


# --- Repairs ----------------------------------------------------------------------------------------------------

def _quoted(connection, name):
    return connection.dialect.identifier_preparer.quote(name)


def _repair_references(connection):
    """Apply each foreign key's ON DELETE rule to the rows that refer to a missing row (SQLite only), again
    as long as a deleted row leaves rows of its own behind."""
    while _repair_references_once(connection):
        pass


def _repair_references_once(connection):
    rules, repaired = {}, 0
    for table, rowid, _parent, fk_id in connection.exec_driver_sql('PRAGMA foreign_key_check').all():
        if (table, fk_id) not in rules:
            keys = connection.exec_driver_sql(f'PRAGMA foreign_key_list({_quoted(connection, table)})').all()
            rules.update({(table, key[0]): (key[3], key[6].upper()) for key in keys})
        column, on_delete = rules[(table, fk_id)]
        where = f'WHERE rowid = {int(rowid)}'
        if on_delete == 'CASCADE':
            connection.exec_driver_sql(f'DELETE FROM {_quoted(connection, table)} {where}')
            log.warning('Deleted %s row %s: its %s referred to a missing row (ON DELETE CASCADE)', table, rowid,
                        column)
        elif on_delete == 'SET NULL':
            connection.exec_driver_sql(
                f'UPDATE {_quoted(connection, table)} SET {_quoted(connection, column)} = NULL {where}')
            log.warning('Emptied %s.%s of row %s: it referred to a missing row (ON DELETE SET NULL)', table, column,
                        rowid)
        else:
            continue  # no rule to apply: reported by _stop_on_violations
        repaired += 1
    return repaired


def _repair_waiting_lists(connection):
    registration = sa.table('registration', sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
                            sa.column('status', sa.String), sa.column('position', sa.Integer))
    placed = connection.execute(registration.update().where(registration.c.status != 'waitlisted',
                                                            registration.c.position.is_not(None))
                                .values(position=None)).rowcount
    if placed:
        log.warning('Removed the waiting-list position of %s registration(s) not on a waiting list', placed)
    waiting = {}
    for session_id, registration_id, position in connection.execute(
            sa.select(registration.c.session_id, registration.c.id, registration.c.position)
            .where(registration.c.status == 'waitlisted')
            .order_by(registration.c.session_id, registration.c.position.is_(None), registration.c.position,
                      registration.c.id)):
        waiting.setdefault(session_id, []).append((registration_id, position))
    for session_id, places in waiting.items():
        positions = [position for _id, position in places]
        if None in positions or min(positions) < 1 or len(set(positions)) < len(positions):
            for number, (registration_id, _position) in enumerate(places, start=1):
                connection.execute(registration.update().where(registration.c.id == registration_id)
                                   .values(position=number))
            log.warning('Numbered the waiting list of session %s again, in its order: %s', session_id,
                        ', '.join(f'registration {registration_id} → {number}'
                                  for number, (registration_id, _position) in enumerate(places, start=1)))


def _repair_consent_times(connection):
    consent = sa.table('consent', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                       sa.column('purpose', sa.String), sa.column('at', sa.DateTime(timezone=True)))
    same = (sa.select(consent.c.user_id, consent.c.purpose, consent.c.at)
            .group_by(consent.c.user_id, consent.c.purpose, consent.c.at).having(sa.func.count() > 1))
    for user_id, purpose, at in connection.execute(same).all():
        ids = connection.execute(sa.select(consent.c.id).where(
            consent.c.user_id == user_id, consent.c.purpose == purpose, consent.c.at == at)
            .order_by(consent.c.id)).scalars().all()
        for offset, consent_id in enumerate(ids[1:], start=1):
            connection.execute(consent.update().where(consent.c.id == consent_id)
                               .values(at=at + timedelta(microseconds=offset)))
        log.warning('Consent records %s of user %s (%s) had the same time; each later one moved a microsecond on',
                    ', '.join(map(str, ids)), user_id, purpose)


# --- Report -----------------------------------------------------------------------------------------------------

def _stop_on_violations(connection):
    found = []
    if connection.dialect.name == 'sqlite':
        for table, rowid, parent, _fk in connection.exec_driver_sql('PRAGMA foreign_key_check').all():
            found.append(f'{table} row {rowid} refers to a missing {parent} row')
    for table, checks in CHECKS.items():
        for name, condition in checks.items():
            ids = _ids(connection, f'SELECT id FROM {_quoted(connection, table)} WHERE NOT ({condition})')
            if ids:
                found.append(f'{table} {_listed(ids)} {name} ({condition})')
    groups = [(table, name, columns, None) for table, uniques in UNIQUES.items() for name, columns in uniques.items()]
    name, table, columns = CURRENT_CERTIFICATE_INDEX
    groups.append((table, name, columns, CURRENT_CERTIFICATE))
    for table, name, columns, where in groups:
        listed = ', '.join(_quoted(connection, column) for column in columns)
        filled = ' AND '.join(f'{_quoted(connection, column)} IS NOT NULL' for column in columns)
        duplicates = connection.exec_driver_sql(
            f'SELECT {listed}, COUNT(*) FROM {_quoted(connection, table)} WHERE {filled}'
            f'{f" AND {where}" if where else ""} GROUP BY {listed} HAVING COUNT(*) > 1').all()
        for row in duplicates:
            values = ', '.join(f'{column} {value}' for column, value in zip(columns, row, strict=False))
            found.append(f'{table}: {row[-1]} rows with {values} break {name}')
    if found:
        raise RuntimeError('The database holds rows that the new constraints forbid; nothing was changed. '
                           'Correct these rows and upgrade again:\n  ' + '\n  '.join(found))


def _ids(connection, statement):
    return [row[0] for row in connection.exec_driver_sql(statement).all()]


def _listed(ids):
    """'row 7 breaks' or 'rows 7, 9 and 30 more break'."""
    if len(ids) == 1:
        return f'row {ids[0]} breaks'
    more = f' and {len(ids) - 20} more' if len(ids) > 20 else ''
    return f'rows {", ".join(map(str, ids[:20]))}{more} break'
