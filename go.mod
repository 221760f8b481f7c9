module github.com/scopegate/scopegate

go 1.24.0
