package dev.ladd.teacher.synthetic;

import dev.ladd.ml.data.LatentShard;
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
        return teachers.load(job.teacherId())
                .syntheticShard(job.teacherId(), prompts, seeds, job.samplerSteps(), job.cfgScale());
    }
}
