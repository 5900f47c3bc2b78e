"""kill -9 in the middle of a fan-out, then a restart: everyone gets the reminder, at most one twice."""

import sqlite3

from bench.reminders import RAISED_RATE, TOKEN, TimedFake, config_file, kill_and_restart, seed

PEOPLE = 300


async def test_a_killed_fan_out_loses_nothing_and_repeats_at_most_the_message_in_flight(tmp_path):
    database = seed(tmp_path, PEOPLE)
    async with TimedFake(token=TOKEN) as api:
        config = config_file(tmp_path, database, api.base_url, RAISED_RATE)
        counts = await kill_and_restart(api, config, PEOPLE)
    assert 0 < counts["killed_at"] < PEOPLE, "the kill came in the middle of the fan-out"
    assert counts["delivered"] == PEOPLE and counts["lost"] == 0
    assert counts["repeated"] <= 1
    with sqlite3.connect(database) as db:
        states = dict(db.execute("SELECT state, COUNT(*) FROM reminders GROUP BY state").fetchall())
        sends = db.execute("SELECT COUNT(*) FROM sends WHERE outcome = 'sent'").fetchone()[0]
    assert states == {"sent": PEOPLE}
    assert sends == PEOPLE  # every send is recorded; the kill took the record of the one in flight with it
