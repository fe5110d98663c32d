package cli

func runCheck(e *env, args []string) int   { return ExitError }
func runMigrate(e *env, args []string) int { return ExitError }
func runRules(e *env, args []string) int   { return ExitError }
func runConfig(e *env, args []string) int  { return ExitError }
