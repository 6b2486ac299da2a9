"""Search budgets. `tiny` keeps tests in seconds, `demo` keeps the whole pipeline within minutes on 2 cores,
`full` is meant for the real data on a machine left to itself.

On large data the search (every family, every candidate, every fold) runs on a stratified sample of the development
split (`search_clients`); the chosen candidate is then fitted on the whole development split and judged once on the
held-out split, which is never sampled. Ranking candidates needs far fewer rows than the final model does, and the
search costs (families x candidates x folds) fits where the final model costs one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    name: str
    n_folds: int
    first_pass: int  # candidates per family (the defaults count as the first)
    refine: int  # extra candidates for the chosen family, around its best
    boosting_iterations: int  # CatBoost trees
    forest_trees: int  # random-forest trees (each much cheaper than a boosting round, but many more needed)
    demo_clients: int  # train clients of the generated dataset when no --data is given
    reference_rows: int  # rows of the drift reference sample in the bundle
    shap_rows: int  # rows on which global SHAP importance is averaged
    history_rows: int  # training clients kept for peer groups
    search_clients: int  # development clients the cross-validated search runs on (0: all of them)


PROFILES: dict[str, Budget] = {
    "tiny": Budget("tiny", 3, 1, 1, 40, 30, 1_000, 1_000, 300, 5_000, 0),
    "demo": Budget("demo", 3, 2, 1, 150, 60, 10_000, 5_000, 1_000, 50_000, 50_000),
    "full": Budget("full", 5, 6, 10, 800, 300, 50_000, 20_000, 5_000, 50_000, 150_000),
}


def budget_for(profile: str) -> Budget:
    if profile not in PROFILES:
        raise ValueError(f"Unknown profile {profile!r}; choose one of {', '.join(PROFILES)}.")
    return PROFILES[profile]
