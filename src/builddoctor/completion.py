"""`builddoctor completion bash|zsh|fish|powershell`: shell completion generated from the CLI's own parser.

Commands, options, option choices and finding ids (for `explain ID` and `--ignore ID`) all come
from the argparse parser and the rules, so the scripts never drift from the program.
"""
from __future__ import annotations

import argparse

from ._record import record
from .errors import UserError

SHELLS = ("bash", "zsh", "fish", "powershell")
#: options whose value is a path (completed as files); everything else with a value gets no files
_PATH_OPTIONS = {"--python", "--project", "--replay", "-o", "--output", "--outdir", "--find-links", "--cache-dir"}
_ID_OPTIONS = {"--ignore"}


@record
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()


@record
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    takes_ids: bool = False  # positional argument is a finding id (explain)
    words: tuple[str, ...] = ()  # fixed values of the positional argument (completion SHELL)


def model() -> tuple[list[Command], list[str]]:
    from .cli import _parser
    from .ids import known_ids

    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    commands = []
    for name, p in sub.choices.items():
        options = []
        for a in p._actions:
            if not a.option_strings or isinstance(a, argparse._HelpAction) or a.help == argparse.SUPPRESS:
                continue  # a hidden (deprecated) alias is not offered
            takes = a.nargs != 0 and not isinstance(a, (argparse._StoreTrueAction, argparse._StoreFalseAction,
                                                        argparse._CountAction, argparse._VersionAction))
            choices = tuple(str(c) for c in a.choices) if a.choices else ()
            options.append(Option(tuple(a.option_strings), " ".join((a.help or "").split()).replace("%%", "%"),
                                  takes, choices))
        options.append(Option(("-h", "--help"), "show help", False))
        commands.append(Command(name, helps.get(name, ""), tuple(options), takes_ids=name == "explain",
                                words=SHELLS if name == "completion" else ()))
    return commands, known_ids()


def _words(items: list[str] | tuple[str, ...]) -> str:
    return " ".join(items)


def bash() -> str:
    commands, ids = model()
    lines = ["# bash completion for builddoctor: eval \"$(builddoctor completion bash)\" (e.g. in ~/.bashrc)",
             "_builddoctor() {",
             '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="${COMP_WORDS[1]}"',
             f'    local ids="{_words(ids)}"',
             '    if [ "$COMP_CWORD" -eq 1 ]; then',
             f'        COMPREPLY=($(compgen -W "{_words([c.name for c in commands])} --help --version" -- "$cur"))',
             "        return",
             "    fi",
             '    case "$prev" in']
    for c in commands:
        for o in c.options:
            if o.choices:
                lines.append(f'        {"|".join(o.flags)}) COMPREPLY=($(compgen -W "{_words(o.choices)}" -- "$cur")); '
                             "return;;")
    lines += ['        --ignore) COMPREPLY=($(compgen -W "$ids" -- "$cur")); return;;',
              f'        {"|".join(sorted(_PATH_OPTIONS))}) COMPREPLY=($(compgen -f -- "$cur")); return;;',
              "    esac",
              "    local opts=\"\"",
              '    case "$cmd" in']
    for c in commands:
        flags = _words([f for o in c.options for f in o.flags])
        lines.append(f'        {c.name}) opts="{flags}";;')
    lines += ["    esac",
              '    if [[ "$cur" == -* ]]; then',
              '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
              '    elif [ "$cmd" = explain ]; then',
              '        COMPREPLY=($(compgen -W "$ids" -- "$cur"))',
              *[f'    elif [ "$cmd" = {c.name} ]; then\n        COMPREPLY=($(compgen -W "{_words(c.words)}" -- "$cur"))'
                for c in commands if c.words],
              "    else",
              '        COMPREPLY=($(compgen -f -- "$cur"))',
              "    fi",
              "}",
              "complete -o filenames -F _builddoctor builddoctor",
              ""]
    return "\n".join(lines)


def zsh() -> str:
    """zsh: its bash-completion layer (bashcompinit, part of zsh) runs the same function."""
    return ("#compdef builddoctor\n"
            "# zsh completion for builddoctor: eval \"$(builddoctor completion zsh)\" (e.g. in ~/.zshrc)\n"
            "autoload -U +X compinit && compinit\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + bash().split("\n", 1)[1])


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish() -> str:
    commands, ids = model()
    names = _words([c.name for c in commands])
    out = ["# fish completion for builddoctor: builddoctor completion fish | source",
           "complete -c builddoctor -f"]
    for c in commands:
        out.append(f"complete -c builddoctor -n 'not __fish_seen_subcommand_from {names}' -a {c.name} "
                   f"-d {_fish_quote(c.help)}")
    for c in commands:
        cond = f"-n '__fish_seen_subcommand_from {c.name}'"
        if c.takes_ids or c.words:
            out.append(f"complete -c builddoctor {cond} -a {_fish_quote(_words(c.words or tuple(ids)))}")
        for o in c.options:
            spec = " ".join(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}" for f in o.flags)
            extra = ""
            if o.choices:
                extra = f" -x -a {_fish_quote(_words(o.choices))}"
            elif set(o.flags) & _ID_OPTIONS:
                extra = f" -x -a {_fish_quote(_words(ids))}"
            elif set(o.flags) & _PATH_OPTIONS:
                extra = " -r -F"
            elif o.takes_value:
                extra = " -x"
            out.append(f"complete -c builddoctor {cond} {spec}{extra} -d {_fish_quote(o.help[:80])}")
    return "\n".join(out) + "\n"


def _ps_list(items: list[str] | tuple[str, ...]) -> str:
    return "@(" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + ")"


def powershell() -> str:
    commands, ids = model()
    table = "\n".join(f"    '{c.name}' = {_ps_list([f for o in c.options for f in o.flags])}" for c in commands)
    by_flag = {f: o.choices for c in commands for o in c.options if o.choices for f in o.flags}
    choices = "\n".join(f"    '{f}' = {_ps_list(v)}" for f, v in by_flag.items())
    return f"""# PowerShell completion for builddoctor (e.g. in $PROFILE):
#   builddoctor completion powershell | Out-String | Invoke-Expression
$__builddoctorOptions = @{{
{table}
}}
$__builddoctorChoices = @{{
{choices}
}}
$__builddoctorIds = {_ps_list(ids)}
Register-ArgumentCompleter -Native -CommandName builddoctor, builddoctor.exe -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | ForEach-Object {{ $_.ToString() }})
    $count = $words.Count
    if ($wordToComplete -ne '') {{ $count -= 1 }}
    if ($count -le 1) {{
        $candidates = @($__builddoctorOptions.Keys) + @('--help', '--version')
    }} else {{
        $command = $words[1]
        $previous = $words[$count - 1]
        if ($previous -eq '--ignore' -or ($command -eq 'explain' -and -not $wordToComplete.StartsWith('-'))) {{
            $candidates = $__builddoctorIds
        }} elseif ($command -eq 'completion' -and -not $wordToComplete.StartsWith('-')) {{
            $candidates = {_ps_list(SHELLS)}
        }} elseif ($__builddoctorChoices.ContainsKey($previous)) {{
            $candidates = $__builddoctorChoices[$previous]
        }} elseif ($__builddoctorOptions.ContainsKey($command)) {{
            $candidates = $__builddoctorOptions[$command]
        }} else {{
            $candidates = @()
        }}
    }}
    $candidates | Where-Object {{ $_ -like "$wordToComplete*" }} | Sort-Object | ForEach-Object {{
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }}
}}
"""


def script(shell: str) -> str:
    makers = {"bash": bash, "zsh": zsh, "fish": fish, "powershell": powershell}
    if shell not in makers:
        from .ids import did_you_mean

        guess = did_you_mean(shell, SHELLS)
        raise UserError(f"unknown shell {shell!r}" + (f"; did you mean {guess!r}?" if guess else ""),
                        tip=f"one of: {', '.join(SHELLS)}")
    return makers[shell]()
