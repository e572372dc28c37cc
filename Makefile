# Gracious: `make run` to talk to it, `make test` to check it. See README.md.
PY := .venv/bin/python
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# DISPLAY for `make agent` counts only from the command line: in the environment it is X11's.
AGENT_DISPLAY := $(if $(filter command line,$(origin DISPLAY)),$(DISPLAY))

.PHONY: install train run cluster test test-cluster validate check format review report shell agent bench nlu-report soak clean

install:            ## make .venv with Python 3.10 and the pinned requirements
	@scripts/bootstrap

train: install      ## train if data/, domain.yml or config.yml changed
	@$(PY) -m scripts.model >/dev/null

run: train          ## start the action server and the Rasa server on port 5005
	@$(PY) -m launch.launcher --model "$$($(PY) -m scripts.model)"

cluster: train      ## several Rasa instances on PostgreSQL and Redis behind nginx, loopback only (GRACIOUS_INSTANCES=2)
	@scripts/ensure-cluster-packages
	@$(PY) -m launch.cluster --model "$$($(PY) -m scripts.model)"

test: train         ## the whole suite: data validation, rasa test, pytest
	@scripts/test

test-cluster: train ## the multi-instance tests: across instances, faults, abuse through nginx, the soak
	@scripts/test-cluster

validate: install   ## rasa data validate
	@.venv/bin/rasa data validate --quiet

check: install      ## rasa data validate, the playbook check (file:line: problem), ruff and mypy
	@scripts/validate
	@$(PY) -m studio.check
	@scripts/lint

format: install     ## ruff: format every Python file and apply the safe fixes
	@.venv/bin/ruff format --quiet .
	@.venv/bin/ruff check --quiet --fix .

review: install     ## real conversations: list them; ID=... reads one; ID=... STORY=1 makes a test story
	@$(PY) -m studio.review $(if $(ID),--id "$(ID)") $(if $(STORY),--story) $(if $(TRAIN),--train) $(foreach i,$(INTENT),--intent "$(i)") $(if $(FLAGGED),--flagged) $(if $(LIMIT),--limit "$(LIMIT)")

report: install     ## the manager's report: terminal tables and results/report/index.html (DEMO=1: made-up data, results/report-demo/)
	@$(PY) -m studio.report $(if $(DEMO),--demo) $(if $(WEEKS),--weeks "$(WEEKS)") $(if $(SINCE),--since "$(SINCE)") $(if $(UNTIL),--until "$(UNTIL)")

shell: train        ## talk to the assistant in the terminal (rasa shell)
	@$(PY) -m launch.shell --model "$$($(PY) -m scripts.model)"

agent: install      ## add an agent desk account: make agent NAME=sam DISPLAY="Sam Lee" (LEAD=1: sees every case)
	@test -n "$(NAME)" || { echo 'error: say who: make agent NAME=sam DISPLAY="Sam Lee"' >&2; exit 1; }
	@$(PY) -m server.desk.accounts add "$(NAME)" --display "$(or $(AGENT_DISPLAY),$(NAME))" $(if $(LEAD),--lead)

bench: train        ## Gracious vs Rasa's starter bot, and retraining after each kind of edit: results/bench/ (ARGS=--quick for a cheap run, ARGS="--only retrain")
	@$(PY) -m bench $(ARGS)

nlu-report: install ## how well intents are understood: held-out splits and tests/nlu/heldout.yml (ARGS=--seeds 1,2,3,4,5)
	@$(PY) -m bench.nlu_report $(ARGS)

soak: train         ## 200 conversations for 5 minutes through a cluster: lost/reordered counts (ARGS=--seconds 60)
	@scripts/ensure-cluster-packages
	@$(PY) -m bench.soak --model "$$($(PY) -m scripts.model)" $(ARGS)

clean:              ## remove generated files (models, caches, databases, venv)
	rm -rf .venv models .rasa var results artifacts .pytest_cache
