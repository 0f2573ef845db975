// ADR 013: oneDNN alone (no libtorch, no JVM) — f32 3x3 convolution backward-data and backward-weights with the
// memory formats libtorch 2.7.1 hands oneDNN (from ONEDNN_VERBOSE), a user scratchpad and every buffer pre-filled
// with NaN, compared with naive float64 loops, repeated. Build and run with the oneDNN in bytedeco's dnnl jar:
//   mvn -q dependency:get -Dartifact=org.bytedeco:dnnl:3.8.1-1.5.12:jar:linux-x86_64
//   mkdir -p /tmp/dnnl && cd /tmp/dnnl && unzip -o -q ~/.m2/repository/org/bytedeco/dnnl/3.8.1-1.5.12/dnnl-3.8.1-1.5.12-linux-x86_64.jar
//   L=/tmp/dnnl/org/bytedeco/dnnl/linux-x86_64
//   g++ -O2 -std=c++17 -I$L/include conv_bwd.cpp -L$L -l:libdnnl.so.3 -Wl,-rpath,$L -o conv_bwd
//   ./conv_bwd 16 32 1 32 20; ./conv_bwd 16 1 32 32 20      # MB IC OC HW REPEATS: the reproduction's two layers
#include <dnnl.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
using namespace dnnl;
using tag = memory::format_tag;

int main(int argc, char **argv) {
    const int MB = atoi(argv[1]), IC = atoi(argv[2]), OC = atoi(argv[3]), HW = atoi(argv[4]), R = atoi(argv[5]);
    const int K = 3, P = 1;
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    memory::dims src_d = {MB, IC, HW, HW}, wei_d = {OC, IC, K, K}, bia_d = {OC}, dst_d = {MB, OC, HW, HW};
    memory::dims strides = {1, 1}, pad = {P, P};
    std::mt19937 g(1);
    std::normal_distribution<float> n(0.f, 1.f);
    std::vector<float> src(MB * IC * HW * HW), wei(OC * IC * K * K), ddst(MB * OC * HW * HW);
    for (auto &v : src) v = n(g);
    for (auto &v : wei) v = 0.1f * n(g);
    for (auto &v : ddst) v = n(g);
    std::vector<double> dw_ref(wei.size(), 0.0), dsrc_ref(src.size(), 0.0);
    for (int b = 0; b < MB; b++) for (int o = 0; o < OC; o++) for (int i = 0; i < IC; i++)
    for (int y = 0; y < HW; y++) for (int x = 0; x < HW; x++) for (int ky = 0; ky < K; ky++) for (int kx = 0; kx < K; kx++) {
        int iy = y + ky - P, ix = x + kx - P;
        if (iy < 0 || iy >= HW || ix < 0 || ix >= HW) continue;
        double go = ddst[((b * OC + o) * HW + y) * HW + x];
        dw_ref[((o * IC + i) * K + ky) * K + kx] += go * src[((b * IC + i) * HW + iy) * HW + ix];
        dsrc_ref[((b * IC + i) * HW + iy) * HW + ix] += go * wei[((o * IC + i) * K + ky) * K + kx];
    }
    auto md = [](memory::dims d, tag t) { return memory::desc(d, memory::data_type::f32, t); };
    auto nan_memory = [&](const memory::desc &d) {
        memory m(d, eng);
        float *p = static_cast<float *>(m.get_data_handle());
        for (size_t i = 0; i < d.get_size() / sizeof(float); i++) p[i] = NAN;
        return m;
    };
    primitive_attr attr;
    attr.set_scratchpad_mode(scratchpad_mode::user);
    tag st = IC == 1 ? tag::nchw : tag::aBcd16b, wt = IC == 1 ? tag::Acdb16a : tag::ABcd16b16a;
    auto fwd = convolution_forward::primitive_desc(eng, prop_kind::forward_training, algorithm::convolution_direct,
            md(src_d, st), md(wei_d, wt), md(bia_d, tag::x), md(dst_d, tag::aBcd16b), strides, pad, pad, attr);
    auto bwd_w = convolution_backward_weights::primitive_desc(eng, algorithm::convolution_direct,
            md(src_d, st), md(wei_d, wt), md(bia_d, tag::x), md(dst_d, tag::aBcd16b), strides, pad, pad, fwd, attr);
    auto bwd_d = convolution_backward_data::primitive_desc(eng, algorithm::convolution_direct, md(src_d, tag::aBcd16b),
            md(wei_d, IC == 1 ? tag::Acdb16a : tag::ABcd16a16b), md(dst_d, tag::aBcd16b), strides, pad, pad, fwd, attr);
    printf("backward-weights: %s, backward-data: %s\n", bwd_w.impl_info_str(), bwd_d.impl_info_str());
    int bad_w = 0, bad_d = 0;
    for (int r = 0; r < R; r++) {
        std::vector<float> dw(wei.size()), db(OC), ds(src.size());
        memory src_u(md(src_d, tag::nchw), eng, src.data()), wei_u(md(wei_d, tag::oihw), eng, wei.data()),
                ddst_u(md(dst_d, tag::nchw), eng, ddst.data()), dw_u(md(wei_d, tag::oihw), eng, dw.data()),
                db_u(md(bia_d, tag::x), eng, db.data()), ds_u(md(src_d, tag::nchw), eng, ds.data());
        memory src_m = nan_memory(bwd_w.src_desc()), ddst_m = nan_memory(bwd_w.diff_dst_desc()),
                dw_m = nan_memory(bwd_w.diff_weights_desc()), pad_w = nan_memory(bwd_w.scratchpad_desc());
        reorder(src_u, src_m).execute(s, src_u, src_m);
        reorder(ddst_u, ddst_m).execute(s, ddst_u, ddst_m);
        convolution_backward_weights(bwd_w).execute(s, {{DNNL_ARG_SRC, src_m}, {DNNL_ARG_DIFF_DST, ddst_m},
                {DNNL_ARG_DIFF_WEIGHTS, dw_m}, {DNNL_ARG_DIFF_BIAS, db_u}, {DNNL_ARG_SCRATCHPAD, pad_w}});
        reorder(dw_m, dw_u).execute(s, dw_m, dw_u);
        memory wei_m = nan_memory(bwd_d.weights_desc()), ddst_m2 = nan_memory(bwd_d.diff_dst_desc()),
                ds_m = nan_memory(bwd_d.diff_src_desc()), pad_d = nan_memory(bwd_d.scratchpad_desc());
        reorder(wei_u, wei_m).execute(s, wei_u, wei_m);
        reorder(ddst_u, ddst_m2).execute(s, ddst_u, ddst_m2);
        convolution_backward_data(bwd_d).execute(s, {{DNNL_ARG_WEIGHTS, wei_m}, {DNNL_ARG_DIFF_DST, ddst_m2},
                {DNNL_ARG_DIFF_SRC, ds_m}, {DNNL_ARG_SCRATCHPAD, pad_d}});
        reorder(ds_m, ds_u).execute(s, ds_m, ds_u);
        s.wait();
        auto worst = [](const std::vector<float> &a, const std::vector<double> &e) {
            double w = 0;
            for (size_t i = 0; i < e.size(); i++) {
                double d = std::fabs(a[i] - e[i]) / (1.0 + std::fabs(e[i]));
                if (!(d <= w)) w = std::isnan(d) ? INFINITY : d;
            }
            return w;
        };
        if (worst(dw, dw_ref) > 1e-3) bad_w++;
        if (worst(ds, dsrc_ref) > 1e-3) bad_d++;
    }
    printf("mb%d ic%d oc%d %dx%d: weight gradient wrong in %d/%d runs, input gradient wrong in %d/%d\n",
            MB, IC, OC, HW, HW, bad_w, R, bad_d, R);
    return bad_w + bad_d > 0;
}
