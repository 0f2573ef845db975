package dev.ladd.teacher.synthetic;

import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.springframework.stereotype.Component;

import java.util.List;

/** Samples shards with the registered teacher the request names (loaded once, then cached by the registry). */
@Component
class TeacherShardSampler implements ShardSampler {

    private final TeacherRegistry teachers;

    TeacherShardSampler(TeacherRegistry teachers) {
        this.teachers = teachers;
    }

    @Override
    public LatentShard sample(GenerationJob job, List<String> prompts, List<Long> seeds) {
        return Pipeline.latentsOnly(teachers.load(job.teacherId()), new EulerSampler(job.samplerSteps(), job.cfgScale(), 1.0))
                .syntheticShard(job.teacherId(), prompts, seeds);
    }
}
