"""A kind of complaint the real catalog lacks, for tests that add one to a copy of it."""

# Appended to a copy of catalog/policies.yml: a new case type (complain_loyalty_points)
# with its policy, which no story reaches and no response is written for yet.
NEW_POLICY = """
  - id: loyalty_points
    case_types: [complain_loyalty_points]
    rule: Points arrive within 48 hours of a purchase.
    reason: Purchases are confirmed overnight.
    responses: {explain: utter_policy_hours}
    alternatives: [{id: callback}]
"""
