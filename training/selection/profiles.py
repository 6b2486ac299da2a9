"""Search budgets. `tiny` keeps tests in seconds, `demo` keeps the whole pipeline within minutes on 2 cores,
`full` is meant for the real data: on the real sample (3,076 clients) it finishes within 15 minutes on 2 cores
(5 folds x 5 repeats; 16 CatBoost candidates on the first repeat, the best 4 on all five: at 3,076 clients one
repeat's cost moves by a few hundredths from one shuffle to the next, and the finalists' choice is made on 25 folds).
Its trees are shallow (depth 2-3), so many candidates fit where a few deep ones did; at most 400 of them: early stopping
on the inner split lets a depth-2 model grow to 350-650 trees whose training AUC runs 0.13 above the cross-validated
one, where 400 trees at the smallest step keep the gap near 0.10 for the same AUC.

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
    repeats: int  # repeats of the stratified folds, each with its own shuffle
    first_pass: int  # candidates per compared family (the defaults count as the first)
    candidates: int  # CatBoost candidates judged on the first repeat (the defaults count as the first)
    promoted: int  # of those, the best judged on every repeat (successive halving)
    boosting_iterations: int  # most CatBoost trees; early stopping on an inner split usually stops sooner
    forest_trees: int  # random-forest trees (each much cheaper than a boosting round, but many more needed)
    demo_clients: int  # train clients of the generated dataset when no --data is given
    reference_rows: int  # rows of the drift reference sample in the bundle
    shap_rows: int  # rows on which global SHAP importance is averaged
    history_rows: int  # training clients kept for peer groups
    search_clients: int  # development clients the cross-validated search runs on (0: all of them)


PROFILES: dict[str, Budget] = {
    "tiny": Budget("tiny", 3, 1, 1, 2, 1, 60, 30, 1_000, 1_000, 300, 5_000, 0),
    # one repeat: `make demo` stays within minutes on 2 cores; the demo data is large enough for one split to rank
    "demo": Budget("demo", 3, 1, 2, 3, 1, 300, 60, 10_000, 5_000, 1_000, 50_000, 20_000),
    "full": Budget("full", 5, 5, 2, 16, 4, 400, 300, 50_000, 20_000, 5_000, 50_000, 30_000),
}


def budget_for(profile: str) -> Budget:
    if profile not in PROFILES:
        raise ValueError(f"Unknown profile {profile!r}; choose one of {', '.join(PROFILES)}.")
    return PROFILES[profile]
