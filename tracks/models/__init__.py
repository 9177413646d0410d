from .catalog import Field, Track, TrackAlias
from .choices import (
    AnnouncementKind,
    AssignmentStatus,
    CriterionCode,
    CultivationModel,
    CycleStatus,
    LibraryStatus,
    ListScope,
    ListStatus,
    NominationStatus,
    ObjectionStatus,
    Origin,
    TrackStatus,
)
from .cycle import Criterion, Cycle, ProvinceQuota, WindowExtension
from .library import LibraryEntry, MonitoringReport
from .lists import ImmutableListError, ListEntry, Objection, ParkList
from .nomination import Nomination, NominationAttachment
from .public import Announcement, Notification
from .review import (
    Assignment,
    ConflictDeclaration,
    RankingSnapshot,
    ReviewClosure,
    ReviewerProfile,
    ReviewReopening,
    Score,
)
from .status_door import StatusDoorClosed

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "Assignment",
    "AssignmentStatus",
    "ConflictDeclaration",
    "Criterion",
    "CriterionCode",
    "CultivationModel",
    "Cycle",
    "CycleStatus",
    "Field",
    "ImmutableListError",
    "LibraryEntry",
    "LibraryStatus",
    "ListEntry",
    "ListScope",
    "ListStatus",
    "MonitoringReport",
    "Nomination",
    "NominationAttachment",
    "NominationStatus",
    "Notification",
    "Objection",
    "ObjectionStatus",
    "Origin",
    "ParkList",
    "ProvinceQuota",
    "RankingSnapshot",
    "ReviewClosure",
    "ReviewReopening",
    "ReviewerProfile",
    "Score",
    "StatusDoorClosed",
    "Track",
    "TrackAlias",
    "TrackStatus",
    "WindowExtension",
]
