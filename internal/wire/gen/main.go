// Command gen turns an AWS service model (botocore JSON) into Go wire types,
// a shape table for validation and an operation table, and strips AWS's
// documentation from a model so that the model can live in this repository.
//
//	go run ./internal/wire/gen -strip <in.json> <out.json>
//	go run ./internal/wire/gen -model internal/wire/models/cognito-idp-2016-04-18.json -pkg cognitoidp -out internal/wire/cognitoidp
//
// Generating writes types_gen.go, shapes_gen.go and operations_gen.go into
// the -out directory; the output depends only on the model's content and
// the package name.
//
//	go run ./internal/wire/gen -errors -pkg awserr -out internal/awserr/types_gen.go <model.json>...
//
// writes the error table of the models into one file: a constant per error
// type that an exception shape declares, and its HTTP status.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	stripMode := flag.Bool("strip", false, "strip documentation: gen -strip <in> <out>")
	errorsMode := flag.Bool("errors", false, "write the error table of the models: gen -errors -pkg <name> -out <file> <model.json>...")
	modelPath := flag.String("model", "", "service model to generate from")
	pkg := flag.String("pkg", "", "name of the generated package")
	out := flag.String("out", "", "directory to write the generated files into")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage:\n  gen -strip <in.json> <out.json>\n  gen -model <model.json> -pkg <name> -out <dir>\n  gen -errors -pkg <name> -out <file.go> <model.json>...\n\nflags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	var err error
	switch {
	case *stripMode && flag.NArg() == 2:
		err = runStrip(flag.Arg(0), flag.Arg(1))
	case *errorsMode && !*stripMode && flag.NArg() > 0 && *modelPath == "" && *pkg != "" && *out != "":
		err = runErrors(flag.Args(), *pkg, *out)
	case !*stripMode && !*errorsMode && flag.NArg() == 0 && *modelPath != "" && *pkg != "" && *out != "":
		err = runGenerate(*modelPath, *pkg, *out)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func runStrip(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	stripped, err := stripModel(data)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, stripped, 0o644)
}

func runGenerate(modelPath, pkg, out string) error {
	data, err := os.ReadFile(modelPath)
	if err != nil {
		return err
	}
	files, err := generate(data, modelPath, pkg)
	if err != nil {
		return fmt.Errorf("%s: %w", modelPath, err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(out, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func runErrors(modelPaths []string, pkg, out string) error {
	src, err := errorsFile(modelPaths, pkg)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// errorsFile reads the models and returns the generated error table.
func errorsFile(modelPaths []string, pkg string) ([]byte, error) {
	models := map[string][]byte{}
	for _, p := range modelPaths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		models[filepath.Base(p)] = data
	}
	return generateErrors(models, pkg)
}
