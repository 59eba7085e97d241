package org.rankadaptor.lora;

/**
 * AdaLoRA hyper-parameters, defaults as PEFT's AdaLoraConfig except where PEFT needs the run length.
 *
 * <p>PEFT takes tinit, tfinal and deltaT as absolute step counts and requires total_step. Here tinit and tfinal are
 * fractions of the run, resolved against the total number of optimizer steps by {@link #schedule(int)}: warm-up
 * (no pruning) for the first 10% of steps, the cubic budget decrease in between, and the last 20% at the final
 * budget; masks are re-allocated every {@code deltaT} = 10 steps, which suits runs of a few hundred steps.
 *
 * @param initR             initial rank of every module (PEFT init_r 12)
 * @param targetR           average final rank; the final budget is targetR x modules (PEFT target_r 8)
 * @param tinitFraction     share of steps before pruning starts
 * @param tfinalFraction    share of steps at the end with the final budget fixed
 * @param deltaT            steps between budget allocations
 * @param beta1             EMA factor of the sensitivity (PEFT 0.85)
 * @param beta2             EMA factor of the uncertainty (PEFT 0.85)
 * @param orthRegWeight     weight of the orthogonality penalty (PEFT orth_reg_weight 0.5)
 * @param orthogonalPenalty PEFT's Frobenius norms, or the paper's squared norms
 */
public record AdaLoraSettings(int initR, int targetR, double tinitFraction, double tfinalFraction, int deltaT,
                              double beta1, double beta2, double orthRegWeight, OrthogonalPenalty orthogonalPenalty) {

    /** How the penalty on P^T P - I and Q Q^T - I is measured; averaged over all P and Q matrices either way. */
    public enum OrthogonalPenalty {
        /** PEFT: torch.norm(., p="fro"). */
        FROBENIUS,
        /** AdaLoRA paper: squared Frobenius norm. */
        SQUARED_FROBENIUS
    }

    /** Resolved step schedule, PEFT's tinit / tfinal / deltaT / total_step. */
    public record Schedule(int totalSteps, int tinit, int tfinal, int deltaT) {
    }

    public AdaLoraSettings {
        if (initR <= 0 || targetR <= 0 || targetR > initR) {
            throw new LoraException("AdaLoRA needs 0 < target_r <= init_r, got init_r " + initR + ", target_r " + targetR);
        }
        if (!(tinitFraction >= 0 && tfinalFraction >= 0 && tinitFraction + tfinalFraction < 1)) {
            throw new LoraException("AdaLoRA tinit and tfinal fractions must be non-negative and sum to less than 1");
        }
        if (deltaT <= 0) {
            throw new LoraException("AdaLoRA deltaT must be positive, got " + deltaT);
        }
        if (!(beta1 > 0 && beta1 < 1 && beta2 > 0 && beta2 < 1)) {
            throw new LoraException("AdaLoRA beta1 and beta2 must be in (0, 1)");
        }
        if (!(orthRegWeight >= 0)) {
            throw new LoraException("AdaLoRA orth_reg_weight must be non-negative");
        }
    }

    public static AdaLoraSettings defaults() {
        return new AdaLoraSettings(12, 8, 0.1, 0.2, 10, 0.85, 0.85, 0.5, OrthogonalPenalty.FROBENIUS);
    }

    public AdaLoraSettings withRanks(int newInitR, int newTargetR) {
        return new AdaLoraSettings(newInitR, newTargetR, tinitFraction, tfinalFraction, deltaT, beta1, beta2,
                orthRegWeight, orthogonalPenalty);
    }

    public AdaLoraSettings withDeltaT(int newDeltaT) {
        return new AdaLoraSettings(initR, targetR, tinitFraction, tfinalFraction, newDeltaT, beta1, beta2,
                orthRegWeight, orthogonalPenalty);
    }

    public AdaLoraSettings withOrthogonalPenalty(double weight, OrthogonalPenalty penalty) {
        return new AdaLoraSettings(initR, targetR, tinitFraction, tfinalFraction, deltaT, beta1, beta2, weight, penalty);
    }

    /** tinit = round(fraction x total), tfinal = max(1, round(fraction x total)), so the final mask always happens. */
    public Schedule schedule(int totalSteps) {
        int tinit = (int) Math.round(tinitFraction * totalSteps);
        int tfinal = Math.max(1, (int) Math.round(tfinalFraction * totalSteps));
        if (totalSteps - tinit - tfinal <= 0) {
            throw new LoraException("AdaLoRA needs more steps: " + totalSteps + " steps leave no budget-decrease phase"
                    + " between tinit " + tinit + " and tfinal " + tfinal);
        }
        return new Schedule(totalSteps, tinit, tfinal, deltaT);
    }
}
