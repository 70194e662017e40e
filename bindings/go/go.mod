module dsh.example/dsh

go 1.19
