"""The conflict rule (tracks/review_rules.py): affiliations and declarations, case by case."""

import pytest

from tracks.services import review

# ---------------------------------------------------------------------------------------------------------------
# The conflict rule
# ---------------------------------------------------------------------------------------------------------------

GD, JS, BJ = 1, 2, 3  # provinces
SZ, GZ, NJ = 11, 12, 21  # zones: two in GD, one in JS
NOMINATION = review.Target(nomination_id=100, province_id=GD, zone_id=SZ)


@pytest.mark.parametrize(
    ("affiliation", "declarations", "expected"),
    [
        (review.Affiliation(1, province_id=BJ), [], []),
        (review.Affiliation(1, province_id=GD), [], ["same_province"]),
        (
            review.Affiliation(1, province_id=GD, zone_id=SZ, zone_province_id=GD),
            [],
            ["same_zone", "same_province"],
        ),
        # a zone affiliation implies its province even when the profile names no province
        (review.Affiliation(1, zone_id=GZ, zone_province_id=GD), [], ["same_province"]),
        (review.Affiliation(1, province_id=BJ, zone_id=NJ, zone_province_id=JS), [], []),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, zone_id=SZ)], ["declared_zone"]),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, zone_id=GZ)], []),
        (
            review.Affiliation(1, province_id=BJ),
            [review.Declaration(1, province_id=GD)],
            ["declared_province"],
        ),
        (
            review.Affiliation(1, province_id=BJ),
            [review.Declaration(1, nomination_id=100)],
            ["declared_nomination"],
        ),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, nomination_id=101)], []),
        # another reviewer's declaration is theirs alone
        (review.Affiliation(1, province_id=BJ), [review.Declaration(2, zone_id=SZ)], []),
    ],
)
def test_conflict_rule(affiliation, declarations, expected):
    assert review.conflict_check(affiliation, NOMINATION, declarations) == expected
