#!/bin/bash
# Train a sweep as a SLURM job array: array task i of N trains shard i/N of the runs
# missing from runs/ (cost-balanced) into its own store, shards/shard-i. From the
# repository's checkout on the cluster's shared filesystem, after npm ci:
#
#   mkdir -p shards
#   job=$(sbatch --parsable --array=1-8 scale/slurm/train-array.sh failure)
#   sbatch --dependency=afterok:$job --wrap 'npm run store -- merge shards/shard-*'
#
# Arguments are selectors (posts, groups, experiment ids; none = everything). A task that
# is requeued or resubmitted resumes its own shard from its store's checkpoints.
#SBATCH --job-name=train-shards
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=08:00:00
#SBATCH --output=shards/%x-%A_%a.log
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=1-N}"
count=$((SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1))
index=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1))
cores="${SLURM_CPUS_PER_TASK:-1}"
exec npm run train -- "$@" --shard "$index/$count" --store "shards/shard-$index" --threads "$cores" --jobs "$cores"
