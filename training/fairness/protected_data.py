"""The policy applied to a run's feature tables: the model's inputs lose what the policy forbids, while each
training client's protected groups (from the raw application) and the removed features stay available to the
fairness report and to the measure of what excluding them cost."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from training.features.build import TARGET, FeatureTables
from training.features.protected import Policy


@dataclass
class ProtectedData:
    policy: Policy
    groups: pd.DataFrame  # training clients (index SK_ID_CURR) x protected attributes: each client's group
    removed: pd.DataFrame  # the features the policy removed from the model inputs, training clients
    removed_categorical: list[str]  # those of them that are categorical


def apply_policy(
    policy: Policy, features: FeatureTables, application_train: pd.DataFrame
) -> tuple[FeatureTables, ProtectedData]:
    """(feature tables holding only the policy's model inputs, the protected data kept beside them)."""
    inputs = policy.model_inputs(features.features)
    policy.enforce(inputs)
    removed = [f for f in features.features if f not in inputs]
    application = application_train
    if "SK_ID_CURR" in application.columns:
        application = application.set_index("SK_ID_CURR")
    groups = policy.groups(application).reindex(features.train.index)
    model_tables = dataclasses.replace(
        features,
        train=features.train[[*inputs, TARGET]],
        test=features.test[inputs],
        categorical=[c for c in features.categorical if c in inputs],
    )
    return model_tables, ProtectedData(
        policy=policy,
        groups=groups,
        removed=features.train[removed],
        removed_categorical=[c for c in features.categorical if c in removed],
    )
