package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sluice-run/sluice/internal/server"
)

func serveCmd(args []string, s stdio) int {
	fs := flag.NewFlagSet("sluice serve", flag.ContinueOnError)
	fs.SetOutput(s.err)
	addr := fs.String("addr", "127.0.0.1:8750", "listen address")
	data := fs.String("data", "./sluice-data", "data directory of the embedded store")
	account := fs.String("account", "000000000000", "AWS account id used in ARNs")
	region := fs.String("region", "us-east-1", "region used when a request names none")
	verbose := fs.Bool("v", false, "log debug messages")
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: sluice serve [--addr HOST:PORT] [--data DIR]")
		fmt.Fprintln(s.err, "\nServes the AWS APIs (Step Functions) on one listener with an embedded store.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, server.Config{Addr: *addr, DataDir: *data, Account: *account, Region: *region, Logger: log})
	if err != nil {
		fmt.Fprintf(s.err, "sluice: %v\n", err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintf(s.err, "sluice: %v\n", err)
		_ = srv.Shutdown(context.Background())
		return 1
	}
	log.Info("sluice is serving", "addr", srv.URL(), "data", *data)
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(s.err, "sluice: shutdown: %v\n", err)
		return 1
	}
	return 0
}
