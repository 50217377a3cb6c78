"""A stage's own rules for a removed stage: which listed stage absorbs it, and the note."""

from reconciler.kinds.stages import StageKind
from reconciler.objects import Extra, Obj

STAGES = StageKind()


def stage(title: str, absorbs: tuple[str, ...] = ()) -> Obj:
    return Obj(
        "stage", f"sales/{title.casefold()}", f"Sales / {title}", {"title": title},
        parent="sales", extra=Extra(absorbs=absorbs),
    )  # fmt: skip


def test_the_listed_stage_whose_absorbs_names_a_removed_one_takes_its_deals() -> None:
    won, lost = stage("Won", absorbs=("closed won",)), stage("Lost")
    assert STAGES.absorber(stage("Closed Won"), [lost, won]) is won
    assert STAGES.absorber(stage("Later"), [lost, won]) is None


def test_the_note_says_how_many_deals_move_once_they_are_counted() -> None:
    won = stage("Won")
    assert STAGES.describe_move(won, 0) == 'deals move to "Won" first'
    assert STAGES.describe_move(won, 1) == '1 deal moves to "Won" first'
    assert STAGES.describe_move(won, 3) == '3 deals move to "Won" first'
