module github.com/sluice-run/sluice

go 1.26.8
