"""The choice sets the API documents as named enum components (``ENUM_NAME_OVERRIDES`` in the settings).

Each component has an English name a client generator can use as a class name. Where the public sees fewer values
than the model has (no exited library entries, no draft or cancelled lists), the subset is its own set here, used
by the serializer, the filter and the override alike, so all three meet in one component. A value added to any of
these sets is a change of the API to announce in the README's changelog.
"""

from ..models import LibraryStatus, ListStatus

PUBLIC_LIBRARY_STATUSES = [
    (value, label) for value, label in LibraryStatus.choices if value in LibraryStatus.LIVE
]
PUBLIC_LIST_STATUSES = [(value, label) for value, label in ListStatus.choices if value in ListStatus.PUBLIC]
