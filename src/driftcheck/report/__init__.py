"""Reports: the JSON contract (`model`) and renderings for people (`text`)."""
