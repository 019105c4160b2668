#!/usr/bin/env bats
# ansible-playbook --check / -C is a dry run only when nothing opts out of
# check mode (attack5 F18): a play or task with check_mode false/no (or a
# template) runs for real under --check. guard reads the playbook, the task
# files and playbooks it imports or includes, and its roles, with libyaml.
# ansible is not installed here: these are ratings through the real hook.

load helper

setup() {
	setup_guard
	guard init >/dev/null
	mkdir -p pb/tasks pb/roles/web/tasks pb/roles/web/meta pb/roles/db/tasks pb/roles/safe/tasks
	printf -- '- hosts: all\n  tasks:\n    - shell: rm -rf /srv/data\n      check_mode: false\n' >pb/task-off.yml
	printf -- '- hosts: all\n  check_mode: no\n  tasks:\n    - shell: rm -rf /srv/data\n' >pb/play-off.yml
	printf -- '- hosts: all\n  tasks:\n    - ansible.builtin.shell: rm -rf /srv\n      check_mode: "{{ flag }}"\n' >pb/templ.yml
	printf -- '- hosts: all\n  tasks: [{shell: rm -rf /srv, check_mode: False}]\n' >pb/flow.yml
	printf -- '- hosts: all\n  tasks:\n    - import_tasks: tasks/off.yml\n' >pb/import.yml
	printf -- '- hosts: all\n  tasks:\n    - ansible.builtin.include_tasks:\n        file: tasks/off.yml\n' >pb/include.yml
	printf -- '- import_playbook: task-off.yml\n' >pb/chain.yml
	printf -- '- shell: rm -rf /srv\n  check_mode: off\n' >pb/tasks/off.yml
	printf -- '- hosts: all\n  roles:\n    - web\n' >pb/role.yml
	printf -- '- hosts: all\n  tasks:\n    - include_role:\n        name: db\n' >pb/incrole.yml
	printf -- '- hosts: all\n  roles:\n    - role: nowhere\n' >pb/norole.yml
	printf -- '- hosts: all\n  tasks:\n    - include_tasks: "{{ which }}.yml"\n' >pb/computed.yml
	printf -- 'dependencies:\n  - role: db\n' >pb/roles/web/meta/main.yml
	printf -- '- debug: msg=hi\n' >pb/roles/web/tasks/main.yml
	printf -- '- command: dropdb prod\n  check_mode: no\n' >pb/roles/db/tasks/main.yml
	# benign: check_mode true, plain tasks, a role that keeps check mode
	printf -- '- hosts: all\n  tasks:\n    - shell: echo hi\n      check_mode: true\n    - ping:\n' >pb/on.yml
	printf -- '- hosts: all\n  roles: [safe]\n  tasks:\n    - import_tasks: tasks/ok.yml\n' >pb/safe.yml
	printf -- '- debug: msg=ok\n  check_mode: yes\n' >pb/tasks/ok.yml
	printf -- '- apt: name=nginx\n' >pb/roles/safe/tasks/main.yml
}

level() { guard-risk --command "$1" | jq -r .level; }

@test "F18: check_mode off at task or play level, in any YAML spelling, is no dry run" {
	for f in task-off play-off templ flow; do
		[ "$(level "ansible-playbook pb/$f.yml --check")" = high ] || { echo "# $f"; false; }
		[ "$(level "ansible-playbook -C pb/$f.yml")" = high ] || { echo "# $f -C"; false; }
	done
	decides 'ansible-playbook pb/task-off.yml --check' ask
	run guard-risk --command 'ansible-playbook pb/play-off.yml --check'
	[[ "$(jq -r '.reasons[0]' <<<"$output")" == *"runs a task with check_mode off (no)"* ]]
}

@test "F18: imported and included task files, imported playbooks and roles (meta dependencies too) are read" {
	for f in import include chain role incrole; do
		[ "$(level "ansible-playbook pb/$f.yml --check")" = high ] || { echo "# $f"; false; }
	done
	run guard-risk --command 'ansible-playbook pb/role.yml --check'
	jq -e '.files | map(select(endswith("/pb/roles/db/tasks/main.yml"))) | length == 1' <<<"$output"
}

@test "F18: a role guard cannot find, a templated include, an unreadable playbook: rated as without --check" {
	[ "$(level 'ansible-playbook pb/norole.yml --check')" = high ]
	[ "$(level 'ansible-playbook pb/computed.yml --check')" = high ]
	mkfifo pb/fifo.yml
	[ "$(level 'ansible-playbook pb/fifo.yml --check')" = high ]
	printf -- '- hosts: all\n  tasks: [\n' >pb/broken.yml
	[ "$(level 'ansible-playbook pb/broken.yml --check')" = high ]
}

@test "F18 benign: check_mode true, plain tasks and roles that keep check mode stay a dry run; a missing playbook runs nothing" {
	decides 'ansible-playbook pb/on.yml --check' allow
	decides 'ansible-playbook -i hosts pb/safe.yml -C' allow
	decides 'ansible-playbook pb/absent.yml --check' allow
	# without --check it is a real run, as before
	decides 'ansible-playbook pb/on.yml' ask
	# --check as the value of -e is no check mode, as before
	[ "$(level 'ansible-playbook pb/on.yml -e --check')" = high ]
}
