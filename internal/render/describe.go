package render

import (
	"regexp"
	"strings"
)

// Library messages that quote what failed: a whole patch, a list of
// generator literals, a line of an env file, a YAML value. Any of these may
// hold a secret, so such a message is replaced by a description of what
// was wrong, without the content; the finding's position names the file
// and line. (Every output also goes through the redaction layer, which
// masks known secret values; this keeps content that is not a known
// secret, such as a patch of a Secret that nothing else defines, out too.)
var contentMessages = []struct {
	re   *regexp.Regexp
	says string // "$1" takes the re's first group, when it has one
}{
	{regexp.MustCompile(`(?s)trouble configuring builtin PatchTransformer with config: ` + "`" + `.*` + "`" + `: (patch and path can't be set at the same time|[^\n]*?)(\n.*)?$`),
		"a patch entry is invalid ($1); the entry is not quoted here, since it may hold secrets"},
	{regexp.MustCompile(`(?s)unable to parse SM or JSON patch from \[.*$`),
		"a patch does not parse as a strategic-merge or a JSON 6902 patch; the patch is not quoted here, since it may hold secrets"},
	{regexp.MustCompile(`(?s)literal sources \[.*\]: invalid literal source .*, expected key=value.*$`),
		"a literal of a generator is not key=value; the literals are not quoted here, since they may hold secrets"},
	{regexp.MustCompile(`(?s)env source files: \[([^\]]*)\]: line \[[0-9 ]*\] has invalid utf8 bytes.*$`),
		"env file $1 has a line that is not valid UTF-8; the line is not quoted here, since it may hold secrets"},
	{regexp.MustCompile(`(?s)yaml: unknown anchor '.*' referenced(?: in File: (\S+))?.*$`),
		"a value starts with '*', which YAML reads as an alias of an anchor that does not exist (quote the value); the value is not quoted here, since it may be a secret"},
	{regexp.MustCompile("(?s)yaml: cannot decode (!![a-z]+) `.*` as an? (!![a-z]+).*$"),
		"a value tagged $2 is not a valid $2; the value is not quoted here, since it may be a secret"},
	{regexp.MustCompile("(?s)(yaml: (?:line \\d+: )?)(?:found|did not find|mapping values|could not find|block sequence)[^\\n]*?'.*$"),
		"${1}the YAML does not parse; the offending text is not quoted here, since it may be a secret"},
}

// describe replaces the part of a library message that quotes content
// with a description of what was wrong.
func describe(msg string) string {
	for _, c := range contentMessages {
		if loc := c.re.FindStringSubmatchIndex(msg); loc != nil {
			var out []byte
			out = c.re.ExpandString(out, c.says, msg, loc)
			return strings.TrimSpace(msg[:loc[0]] + string(out))
		}
	}
	return msg
}
