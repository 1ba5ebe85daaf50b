"""Google credentials, client factories and the one retry/pacing helper every Google call goes through."""
