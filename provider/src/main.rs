fn main() {
    println!("terraform-provider-rdsca {}", env!("CARGO_PKG_VERSION"));
}
