"""Imports every model so that metadata (and Alembic) sees the whole schema."""

from oscart.accounts.models import User  # noqa: F401
from oscart.assignments.models import ReminderSent, RuleAssignment, TrainingRule  # noqa: F401
from oscart.audit.models import AuditEvent  # noqa: F401
from oscart.auth.models import UserSession  # noqa: F401
from oscart.certificates.models import Certificate  # noqa: F401
from oscart.classroom.feed_models import CalendarFeed  # noqa: F401
from oscart.classroom.models import (  # noqa: F401
    Attendance,
    Registration,
    SessionPart,
    SessionTrainer,
    TrainingSession,
)
from oscart.companies.models import Company, Invitation  # noqa: F401
from oscart.jobs.models import Job  # noqa: F401
from oscart.mail.models import OutboxMessage  # noqa: F401
from oscart.privacy.models import (  # noqa: F401
    Campaign,
    CampaignDelivery,
    Consent,
    InactivityWarning,
    Incident,
    IncidentNotice,
    OfferSent,
    PolicyAcknowledgement,
    PolicyVersion,
    PrivacyRequest,
)
from oscart.training.models import (  # noqa: F401
    CompanyNews,
    Course,
    CourseCompany,
    CourseTranslation,
    CourseView,
    Enrolment,
    Lesson,
    LessonImage,
    LessonProgress,
    LessonTranslation,
)
from oscart.training.quiz_models import (  # noqa: F401
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
    QuizAttempt,
)
from oscart.workspace.import_models import PeopleImport  # noqa: F401
