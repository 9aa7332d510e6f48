//! Lookups over the whole table: what every validate/read/function call does.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rdsca_table::{selection, CaId, Region};

fn lookups(c: &mut Criterion) {
    let codes: Vec<&str> = Region::all().map(|r| r.code).collect();
    c.bench_function("region lookup, every region", |b| {
        b.iter(|| {
            for code in &codes {
                black_box(Region::get(black_box(code)));
            }
        })
    });
    c.bench_function("select + offers, every region x every CA", |b| {
        b.iter(|| {
            for code in &codes {
                for ca in CaId::ALL {
                    let _ = black_box(selection::select(
                        Some(code),
                        None,
                        Some(ca.as_str()),
                        false,
                    ));
                }
            }
        })
    });
    c.bench_function("unknown region with suggestions", |b| {
        b.iter(|| black_box(Region::lookup(black_box("eu-west-9"))))
    });
}

criterion_group!(benches, lookups);
criterion_main!(benches);
